package io.keel.kv.rocks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.kv.store.KvCodec;
import io.keel.kv.store.KvCommand;
import io.keel.kv.store.KvLimits;
import io.keel.raft.NodeId;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.snapshot.CorruptSnapshotException;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import io.keel.raft.snapshot.SnapshotSink;
import io.keel.raft.snapshot.SnapshotSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots kept as a checkpoint's linked files: linked, not copied; read out, by chunks or as a
 * stream, as exactly the archive the view writes, with its checksum; received on a follower,
 * unpacked into linked files, and restored by links; older ones removed once no source reads
 * them; the latest kept across a reopen, and a damaged one refused.
 */
class CheckpointSnapshotStoreTest {

  private static final KvLimits LIMITS = new KvLimits(64, 4096, 8);
  private static final KvCodec CODEC = new KvCodec(LIMITS);
  private static final List<NodeId> VOTERS = List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));

  @TempDir Path dir;
  private final RocksDbSettings settings = new RocksDbSettings(16 << 20, 4 << 20);
  private final List<AutoCloseable> opened = new ArrayList<>();
  private long index;

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    settings.close();
  }

  private <T extends AutoCloseable> T keep(T resource) {
    opened.add(resource);
    return resource;
  }

  private RocksDbStateMachine machine(String name) throws IOException {
    return keep(RocksDbStateMachine.open(dir.resolve(name), settings, LIMITS));
  }

  private void load(RocksDbStateMachine machine, int writes, long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < writes; i++) {
      byte[] value = new byte[200 + random.nextInt(1000)];
      random.nextBytes(value);
      machine.apply(++index, CODEC.encode(new KvCommand.Set(("k" + random.nextInt(2000)).getBytes(UTF_8), value,
          KvCommand.Condition.ALWAYS)));
    }
    machine.flush(index);
  }

  private static byte[] archiveOf(StateMachineSnapshot view) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    view.writeTo(bytes);
    return bytes.toByteArray();
  }

  private SnapshotInfo take(CheckpointSnapshotStore store, StateMachineSnapshot view) throws IOException {
    try (SnapshotSink sink = store.create(new SnapshotMeta(index, 1, VOTERS))) {
      sink.writeFrom(view);
      return sink.finish();
    }
  }

  private static byte[] readAll(SnapshotSource source) throws IOException {
    try (InputStream in = source.stream()) {
      return in.readAllBytes();
    }
  }

  @Test
  void a_checkpoint_is_kept_as_links_and_reads_out_as_its_archive_with_its_checksum() throws IOException {
    RocksDbStateMachine machine = machine("leader");
    CheckpointSnapshotStore store = keep(CheckpointSnapshotStore.open(dir.resolve("snapshots")));
    for (int round = 0; round < 3; round++) { // later rounds reuse the checksums of the files they share
      load(machine, 3000, round);
      try (StateMachineSnapshot view = machine.snapshot()) {
        byte[] archive = archiveOf(view);
        SnapshotInfo info = take(store, view);
        assertEquals(archive.length, info.sizeBytes());
        assertEquals(Crc32c.of(archive), info.checksum());
        try (SnapshotSource source = store.open(info)) {
          assertArrayEquals(archive, readAll(source));
          Path files = source.directory().orElseThrow();
          try (Stream<Path> checkpoint = Files.list(view.directory().orElseThrow())) {
            for (Path file : checkpoint.filter(f -> f.toString().endsWith(".sst")).toList()) {
              assertTrue(Files.isSameFile(file, files.resolve(file.getFileName())), file + " is linked, not copied");
            }
          }
          ByteBuffer chunk = ByteBuffer.allocate(7919);
          for (long offset = 0; offset < archive.length; offset += 7919) {
            chunk.clear();
            int read = source.read(offset, chunk);
            assertTrue(read > 0);
            for (int i = 0; i < read; i++) {
              assertEquals(archive[(int) offset + i], chunk.get(i), "byte " + (offset + i));
            }
            offset -= 7919 - read; // a read may stop at a file's end: go on from where it stopped
          }
        }
      }
    }
  }

  @Test
  void a_received_archive_is_unpacked_into_linked_files_and_restores_the_follower_by_links() throws IOException {
    RocksDbStateMachine leader = machine("leader");
    load(leader, 4000, 1);
    CheckpointSnapshotStore leaderStore = keep(CheckpointSnapshotStore.open(dir.resolve("leader-snapshots")));
    SnapshotInfo sent;
    try (StateMachineSnapshot view = leader.snapshot()) {
      sent = take(leaderStore, view);
    }
    CheckpointSnapshotStore followerStore = keep(CheckpointSnapshotStore.open(dir.resolve("follower-snapshots")));
    SnapshotSink sink = followerStore.receive(sent.meta(), sent.sizeBytes(), sent.checksum());
    try (SnapshotSource source = leaderStore.open(sent)) {
      ByteBuffer chunk = ByteBuffer.allocate(100_000);
      for (long offset = 0; offset < sent.sizeBytes(); ) {
        chunk.clear();
        int read = source.read(offset, chunk);
        chunk.flip();
        sink.write(offset, chunk.duplicate());
        sink.write(offset, chunk); // a duplicated chunk changes nothing
        offset += read;
      }
    }
    sink.sync();
    SnapshotInfo installed = sink.finish();
    assertEquals(sent.meta(), installed.meta());
    assertEquals(sent.checksum(), installed.checksum());
    assertTrue(LinkedSnapshots.isLinked(installed), "kept as linked files: " + installed.name());
    RocksDbStateMachine follower = machine("follower");
    try (SnapshotSource source = followerStore.open(installed)) {
      source.restoreInto(follower);
      Path files = source.directory().orElseThrow();
      try (Stream<Path> tables = Files.list(files)) {
        Path table = tables.filter(f -> f.toString().endsWith(".sst")).findFirst().orElseThrow();
        assertTrue(Files.isSameFile(table, follower.databaseDirectory().resolve(table.getFileName())),
            "the follower's database links the snapshot's tables");
      }
    }
    assertEquals(index, follower.appliedIndex());
    assertEquals(leader.size(), follower.size());
    for (int k = 0; k < 2000; k += 37) {
      byte[] key = ("k" + k).getBytes(UTF_8);
      assertArrayEquals(leader.get(key), follower.get(key));
    }
    assertTrue(Files.notExists(dir.resolve("follower-snapshots").resolve("stream").resolve(sent.name())),
        "the received copy is dropped");
  }

  @Test
  void a_replaced_snapshot_stays_readable_until_its_last_source_closes_and_is_then_removed() throws IOException {
    RocksDbStateMachine machine = machine("leader");
    CheckpointSnapshotStore store = keep(CheckpointSnapshotStore.open(dir.resolve("snapshots")));
    load(machine, 1000, 1);
    SnapshotInfo first;
    byte[] firstBytes;
    try (StateMachineSnapshot view = machine.snapshot()) {
      firstBytes = archiveOf(view);
      first = take(store, view);
    }
    SnapshotSource reading = store.open(first);
    load(machine, 1000, 2);
    try (StateMachineSnapshot view = machine.snapshot()) {
      take(store, view);
    }
    Path firstDir = dir.resolve("snapshots").resolve("linked").resolve(first.name());
    assertTrue(Files.exists(firstDir), "a transfer still reads it");
    assertArrayEquals(firstBytes, readAll(reading));
    reading.close();
    assertFalse(Files.exists(firstDir), "removed once no transfer reads it");
    assertThrows(java.nio.file.NoSuchFileException.class, () -> store.open(first));
  }

  @Test
  void the_latest_is_found_again_on_reopen_and_a_damaged_one_is_refused_by_name() throws IOException {
    RocksDbStateMachine machine = machine("leader");
    Path storeDir = dir.resolve("snapshots");
    CheckpointSnapshotStore store = CheckpointSnapshotStore.open(storeDir);
    load(machine, 1000, 1);
    SnapshotInfo info;
    try (StateMachineSnapshot view = machine.snapshot()) {
      info = take(store, view);
    }
    store.close();
    Files.createDirectories(storeDir.resolve("linked").resolve("creating-9").resolve("files")); // an interrupted build
    CheckpointSnapshotStore reopened = CheckpointSnapshotStore.open(storeDir);
    assertEquals(info, reopened.latest().orElseThrow());
    reopened.close();
    assertFalse(Files.exists(storeDir.resolve("linked").resolve("creating-9")), "leftovers are removed");
    Path files = storeDir.resolve("linked").resolve(info.name()).resolve("files");
    Path table;
    try (Stream<Path> tables = Files.list(files)) {
      table = tables.filter(f -> f.toString().endsWith(".sst")).findFirst().orElseThrow();
    }
    Files.delete(table);
    Files.write(table, new byte[] {1, 2, 3}); // a damaged file (written anew: the database keeps the original)
    CorruptSnapshotException damaged = assertThrows(CorruptSnapshotException.class,
        () -> CheckpointSnapshotStore.open(storeDir));
    assertTrue(damaged.getMessage().contains(info.name()), damaged.getMessage());
    Path record = storeDir.resolve("linked").resolve(info.name()).resolve(LinkedSnapshots.RECORD);
    byte[] bytes = Files.readAllBytes(record);
    bytes[10] ^= 1;
    Files.write(record, bytes);
    damaged = assertThrows(CorruptSnapshotException.class, () -> CheckpointSnapshotStore.open(storeDir));
    assertTrue(damaged.getMessage().contains("checksum"), damaged.getMessage());
  }
}
