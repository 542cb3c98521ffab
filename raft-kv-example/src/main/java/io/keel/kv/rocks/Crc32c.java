package io.keel.kv.rocks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * CRC-32C helpers for payloads made of files: the checksum of a file, and the checksum of two
 * byte strings laid end to end from the checksum of each and the second's length, so that a
 * payload of many files is checked without reading the files a previous snapshot already read.
 * The combination works in GF(2): appending {@code n} zero bytes to a message is a linear map of
 * its CRC register, applied here as a 32x32 bit matrix raised to the power {@code n} by squaring.
 */
final class Crc32c {

  /** The Castagnoli polynomial, bit-reversed, as {@link CRC32C} uses it. */
  private static final long POLYNOMIAL = 0x82F63B78L;

  private Crc32c() {}

  /** The CRC-32C of {@code bytes}. */
  static long of(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return crc.getValue();
  }

  /** The CRC-32C of {@code file}'s bytes. */
  static long of(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        crc.update(buffer, 0, read);
      }
    }
    return crc.getValue();
  }

  /** The CRC-32C of {@code a} followed by {@code b}, from {@code crcA}, {@code crcB} and {@code b}'s length. */
  static long combine(long crcA, long crcB, long lengthB) {
    if (lengthB <= 0) {
      return crcA;
    }
    long[] odd = new long[32]; // the map of one zero bit
    odd[0] = POLYNOMIAL;
    for (int n = 1; n < 32; n++) {
      odd[n] = 1L << (n - 1);
    }
    long[] even = square(odd); // two zero bits
    odd = square(even);        // four zero bits
    long crc = crcA;
    long left = lengthB;
    while (left != 0) {
      even = square(odd); // each step squares: one byte, then two, four, ...
      if ((left & 1) != 0) {
        crc = times(even, crc);
      }
      left >>>= 1;
      if (left == 0) {
        break;
      }
      odd = square(even);
      if ((left & 1) != 0) {
        crc = times(odd, crc);
      }
      left >>>= 1;
    }
    return crc ^ crcB;
  }

  private static long times(long[] matrix, long vector) {
    long sum = 0;
    for (int i = 0; vector != 0; i++, vector >>>= 1) {
      if ((vector & 1) != 0) {
        sum ^= matrix[i];
      }
    }
    return sum;
  }

  private static long[] square(long[] matrix) {
    long[] squared = new long[32];
    for (int n = 0; n < 32; n++) {
      squared[n] = times(matrix, matrix[n]);
    }
    return squared;
  }
}
