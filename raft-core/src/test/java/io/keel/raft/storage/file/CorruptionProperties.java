package io.keel.raft.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Damage a crash can leave (a file cut short after what was durable) is repaired; damage it cannot
 * (a flipped bit before the tail, a cut into entries the manifest records durable) refuses the
 * open, naming the file and the offset of the damaged record or the missing entries. Never is a
 * damaged entry returned as if it were intact.
 */
class CorruptionProperties {

  private static final int ENTRIES = 120;
  /** The directory as a crash leaves it: the last segment's entries are durable, but not recorded so. */
  private Path pristine;
  /** The same log, closed: the manifest records every entry durable. */
  private Path closed;
  private List<Path> segments;

  @BeforeProperty
  void writeALog() throws Exception {
    closed = Files.createTempDirectory("keel-corruption");
    RecordingListener listener = new RecordingListener();
    try (FileLogStore store = FileLogStore.open(closed,
        FileLogStoreOptions.defaults().withSegmentSizeBytes(4096), listener)) {
      for (long index = 1; index <= ENTRIES; index++) {
        store.append(List.of(LogEntry.command(index, 1 + index / 50, CrashChild.command(index, 1 + index / 50, 0))));
      }
      listener.awaitLogDurable(ENTRIES, 1 + ENTRIES / 50);
      pristine = LogDirectories.copy(closed);
    }
    segments = LogDirectories.segments(pristine);
    assertTrue(segments.size() >= 3, "the log spans several segments: " + segments);
    long durable = Manifest.read(pristine.resolve(Manifest.FILE_NAME)).durableIndex();
    long lastBase = SegmentFormat.baseIndexOf(segments.get(segments.size() - 1).getFileName().toString());
    assertTrue(durable < lastBase, "the crash image records only the segments before the last durable: " + durable);
  }

  @AfterProperty
  void removeIt() throws IOException {
    delete(pristine);
    delete(closed);
  }

  @Property(tries = 100)
  void aCutThatLosesEntriesRecordedDurableRefusesTheOpen(@ForAll @IntRange(min = 0, max = 100_000) int cutSeed)
      throws Exception {
    Path dir = LogDirectories.copy(closed);
    try {
      Path last = dir.resolve(segments.get(segments.size() - 1).getFileName());
      long cut = cutSeed % Files.size(last);
      truncate(last, cut);
      CorruptLogException refusal = assertThrows(CorruptLogException.class, () -> FileLogStore.open(dir,
          FileLogStoreOptions.defaults().withSegmentSizeBytes(4096), new RecordingListener()), "cut at " + cut);
      assertEquals(last, refusal.file(), refusal.getMessage());
      String expected = cut < SegmentFormat.HEADER_BYTES ? "the header is"
          : ".." + ENTRIES + " are missing";
      assertTrue(refusal.getMessage().contains(expected), refusal.getMessage());
    } finally {
      delete(dir);
    }
  }

  @Property(tries = 150)
  void aCutInTheLastSegmentLosesOnlyTheRecordsAfterIt(@ForAll @IntRange(min = 0, max = 100_000) int cutSeed)
      throws Exception {
    Path dir = copyOfLog();
    try {
      Path last = dir.resolve(segments.get(segments.size() - 1).getFileName());
      long size = Files.size(last);
      long cut = SegmentFormat.HEADER_BYTES + cutSeed % (size - SegmentFormat.HEADER_BYTES);
      List<Long> ends = new ArrayList<>(recordOffsets(last).subList(1, recordOffsets(last).size()));
      ends.add(size);
      long complete = ends.stream().filter(end -> end <= cut).count();
      boolean atBoundary = cut == SegmentFormat.HEADER_BYTES || ends.contains(cut);
      truncate(last, cut);
      long base = SegmentFormat.baseIndexOf(last.getFileName().toString());
      try (FileLogStore store = FileLogStore.open(dir, FileLogStoreOptions.defaults().withSegmentSizeBytes(4096),
          new RecordingListener())) {
        assertEquals(base + complete - 1, store.lastIndex(), "cut at " + cut + " of " + size);
        assertEquals(atBoundary ? 0 : 1, store.recoveryNotes().size(), "a torn tail is noted: " + store.recoveryNotes());
        checkEntries(store);
      }
    } finally {
      delete(dir);
    }
  }

  @Property(tries = 200)
  void aFlippedBitBeforeTheTailRefusesTheOpenAtThatRecord(@ForAll @IntRange(min = 0, max = 1_000_000) int byteSeed,
      @ForAll @IntRange(min = 0, max = 7) int bit) throws Exception {
    Path dir = copyOfLog();
    try {
      List<long[]> places = new ArrayList<>(); // {segment number, offset, record start} of every byte before the tail
      for (int number = 0; number < segments.size(); number++) {
        Path segment = dir.resolve(segments.get(number).getFileName());
        List<Long> offsets = recordOffsets(segment);
        long end = number == segments.size() - 1 ? offsets.get(offsets.size() - 1) : Files.size(segment);
        for (long offset = 0; offset < end; offset++) {
          long recordStart = 0;
          for (long start : offsets) {
            if (start <= offset) {
              recordStart = start;
            }
          }
          places.add(new long[] {number, offset, offset < SegmentFormat.HEADER_BYTES ? -1 : recordStart});
        }
      }
      long[] place = places.get(byteSeed % places.size());
      Path segment = dir.resolve(segments.get((int) place[0]).getFileName());
      flip(segment, place[1], bit);
      CorruptLogException refusal = assertThrows(CorruptLogException.class, () -> FileLogStore.open(dir,
          FileLogStoreOptions.defaults().withSegmentSizeBytes(4096), new RecordingListener()),
          "flipped bit " + bit + " of byte " + place[1] + " in " + segment);
      assertEquals(segment, refusal.file(), refusal.getMessage());
      if (place[2] >= 0) {
        assertEquals(place[2], refusal.offset(), refusal.getMessage());
      } else {
        assertTrue(refusal.offset() < SegmentFormat.HEADER_BYTES, refusal.getMessage());
      }
      assertEquals(1, LogInspector.run(new String[] {"inspect", dir.toString()}, new java.io.PrintStream(
          java.io.OutputStream.nullOutputStream()), new java.io.PrintStream(java.io.OutputStream.nullOutputStream())),
          "inspect reports the damage");
    } finally {
      delete(dir);
    }
  }

  @Property(tries = 20)
  void aBitFlippedAfterOpeningIsCaughtOnRead(@ForAll @IntRange(min = 1, max = ENTRIES) int index) throws Exception {
    Path dir = copyOfLog();
    try (FileLogStore store = FileLogStore.open(dir, FileLogStoreOptions.defaults().withSegmentSizeBytes(4096)
        .withCacheBytes(0), new RecordingListener())) {
      SegmentList.Location location = findLocation(store, index);
      flip(location.segment().file, location.offset() + location.length() - 1, 0);
      UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> store.entry(index));
      assertTrue(failure.getCause() instanceof CorruptLogException, failure.toString());
    } finally {
      delete(dir);
    }
  }

  private static SegmentList.Location findLocation(FileLogStore store, long index) throws Exception {
    java.lang.reflect.Field field = FileLogStore.class.getDeclaredField("segments");
    field.setAccessible(true);
    return ((SegmentList) field.get(store)).locate(index);
  }

  private static void checkEntries(FileLogStore store) {
    for (long index = store.firstIndex(); index <= store.lastIndex(); index++) {
      LogEntry entry = store.entry(index);
      assertEquals(index, entry.index());
      assertTrue(CrashChild.intact(entry), "entry " + index + " is intact");
    }
  }

  private static List<Long> recordOffsets(Path segment) throws IOException {
    SegmentScanner.Scan scan = SegmentScanner.scan(segment, SegmentFormat.baseIndexOf(segment.getFileName().toString()));
    List<Long> offsets = new ArrayList<>();
    for (int i = 0; i < scan.offsets().size(); i++) {
      offsets.add(scan.offsets().get(i));
    }
    return offsets;
  }

  private Path copyOfLog() throws IOException {
    Path copy = Files.createTempDirectory("keel-corruption-copy");
    try (Stream<Path> files = Files.list(pristine)) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(file.getFileName()));
      }
    }
    return copy;
  }

  private static void flip(Path file, long offset, int bit) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ (1 << bit)));
      one.rewind();
      channel.write(one, offset);
    }
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
