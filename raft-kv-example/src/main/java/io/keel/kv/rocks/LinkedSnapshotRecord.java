package io.keel.kv.rocks;

import io.keel.raft.Configuration;
import io.keel.raft.ConfigurationCodec;
import io.keel.raft.snapshot.SnapshotInfo;
import io.keel.raft.snapshot.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The record that completes a snapshot kept as linked files ({@code SNAPSHOT} in its directory):
 * a magic and version, what the snapshot stands for (index, term, configuration), its payload's
 * size and CRC-32C, and a CRC-32C of all that. It is written last, so a directory without an
 * intact one is an interrupted write. Bytes read from disk are checked: a damaged record is refused
 * with an {@link IOException} saying what is wrong.
 */
final class LinkedSnapshotRecord {

  private static final byte[] MAGIC = {'K', 'E', 'E', 'L', 'L', 'N', 'K', 1};
  private static final int MAX_BYTES = 64 + ConfigurationCodec.MAX_ENCODED_BYTES;

  private LinkedSnapshotRecord() {}

  static byte[] encode(SnapshotMeta meta, long size, long checksum) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeLong(meta.lastIndex());
      out.writeLong(meta.lastTerm());
      byte[] configuration = ConfigurationCodec.encode(meta.configuration());
      out.writeInt(configuration.length);
      out.write(configuration);
      out.writeLong(size);
      out.writeLong(checksum);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    byte[] body = bytes.toByteArray();
    byte[] record = Arrays.copyOf(body, body.length + 4);
    int crc = (int) Crc32c.of(body);
    for (int i = 0; i < 4; i++) {
      record[body.length + i] = (byte) (crc >>> (24 - 8 * i));
    }
    return record;
  }

  /** The snapshot {@code record} describes, named {@code name}. */
  static SnapshotInfo decode(byte[] record, String name) throws IOException {
    if (record.length < MAGIC.length + 4 || record.length > MAX_BYTES) {
      throw new IOException("a snapshot record of " + record.length + " bytes");
    }
    byte[] body = Arrays.copyOf(record, record.length - 4);
    long stored = ((record[body.length] & 0xFFL) << 24) | ((record[body.length + 1] & 0xFFL) << 16)
        | ((record[body.length + 2] & 0xFFL) << 8) | (record[body.length + 3] & 0xFFL);
    if (stored != Crc32c.of(body)) {
      throw new IOException("a snapshot record whose checksum does not match its bytes");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException("a snapshot record of another format (its first bytes are not KEELLNK1)");
      }
      long index = in.readLong();
      long term = in.readLong();
      int length = in.readInt();
      if (length < 0 || length > ConfigurationCodec.MAX_ENCODED_BYTES) {
        throw new IOException("a snapshot record with a configuration of " + length + " bytes");
      }
      Configuration configuration = ConfigurationCodec.decode(in.readNBytes(length));
      long size = in.readLong();
      long checksum = in.readLong();
      if (in.available() > 0) {
        throw new IOException("bytes trail a snapshot record");
      }
      return new SnapshotInfo(new SnapshotMeta(index, term, configuration), size, checksum, name);
    } catch (EOFException e) {
      throw new IOException("a snapshot record that ends early", e);
    } catch (IllegalArgumentException e) {
      throw new IOException("a snapshot record with a wrong value: " + e.getMessage(), e);
    }
  }
}
