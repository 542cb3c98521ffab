package io.keel.raft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Payloads made up on the fly from a seed: byte {@code i} of payload {@code seed} is a function of
 * both, so a test can write or check hundreds of megabytes without holding them, and any chunk
 * can be made again at any offset.
 */
public final class Payloads {

  private Payloads() {}

  /** Byte {@code offset} of the payload {@code seed}. */
  public static byte byteAt(long seed, long offset) {
    long word = mix(seed * 0x9E3779B97F4A7C15L + (offset >>> 3));
    return (byte) (word >>> ((offset & 7) * 8));
  }

  private static long mix(long value) {
    long z = value + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Fills {@code target[offset, offset + length)} with the payload's bytes from {@code payloadOffset}. */
  public static void fill(long seed, long payloadOffset, byte[] target, int offset, int length) {
    int i = 0;
    while (i < length) {
      long position = payloadOffset + i;
      long word = mix(seed * 0x9E3779B97F4A7C15L + (position >>> 3));
      for (int shift = (int) (position & 7); shift < 8 && i < length; shift++, i++) {
        target[offset + i] = (byte) (word >>> (shift * 8));
      }
    }
  }

  /** The payload's bytes {@code [offset, offset + length)} as a heap buffer. */
  public static ByteBuffer chunk(long seed, long offset, int length) {
    byte[] bytes = new byte[length];
    fill(seed, offset, bytes, 0, length);
    return ByteBuffer.wrap(bytes);
  }

  /** The CRC-32C of the payload's first {@code size} bytes. */
  public static long crc(long seed, long size) {
    CRC32C crc = new CRC32C();
    byte[] block = new byte[64 * 1024];
    for (long done = 0; done < size; ) {
      int length = (int) Math.min(block.length, size - done);
      fill(seed, done, block, 0, length);
      crc.update(block, 0, length);
      done += length;
    }
    return crc.getValue();
  }

  /** Writes the payload's first {@code size} bytes to {@code out} in writes of {@code writeBytes}. */
  public static void writeTo(OutputStream out, long seed, long size, int writeBytes) throws IOException {
    byte[] block = new byte[writeBytes];
    for (long done = 0; done < size; ) {
      int length = (int) Math.min(block.length, size - done);
      fill(seed, done, block, 0, length);
      out.write(block, 0, length);
      done += length;
    }
  }

  /** Reads {@code in} to its end, checking that it holds exactly the payload's first {@code size} bytes. */
  public static void assertHolds(InputStream in, long seed, long size) throws IOException {
    byte[] read = new byte[64 * 1024];
    byte[] expected = new byte[read.length];
    long done = 0;
    while (true) {
      int count = in.read(read, 0, read.length);
      if (count < 0) {
        break;
      }
      if (done + count > size) {
        fail("the stream holds more than the payload's " + size + " bytes");
      }
      fill(seed, done, expected, 0, count);
      for (int i = 0; i < count; i++) {
        if (read[i] != expected[i]) {
          fail("byte " + (done + i) + " of the payload differs");
        }
      }
      done += count;
    }
    assertEquals(size, done, "the stream's length");
  }
}
