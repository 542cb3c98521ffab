package io.keel.sim.linearizability;

/**
 * Lowe's memo: the configurations (set of linearized operations, model state) the search has
 * already reached. Reaching one again can lead nowhere new, so the search prunes it. This is what
 * turns Wing and Gong's exponential search into one that is fast on realistic histories.
 *
 * <p>An open-addressing table over parallel arrays, so that an entry costs its encoding plus about
 * 40 bytes, and the table knows its own size in bytes: the search stops with "unknown" when the
 * size passes its budget instead of running the JVM out of heap.
 */
final class ConfigurationMemo {

  private static final double MAX_LOAD = 0.5;
  /** Bytes per table slot: a hash, a state, a reference. */
  private static final int SLOT_BYTES = Long.BYTES + Integer.BYTES + 8;
  /** Bytes of an encoding beyond its words: array header and length. */
  private static final int ENCODING_OVERHEAD_BYTES = 16;

  private long[] hashes;
  private int[] states;
  private long[][] encodings;
  private int size;
  private long encodingBytes;

  ConfigurationMemo() {
    allocate(1 << 10);
  }

  /** Adds the configuration; returns false if it was already present. */
  boolean add(LinearizedSet linearized, int state) {
    long hash = mix(linearized.hash() ^ (state * 0x9E3779B97F4A7C15L));
    int mask = hashes.length - 1;
    int slot = (int) hash & mask;
    while (encodings[slot] != null) {
      if (hashes[slot] == hash && states[slot] == state && linearized.matches(encodings[slot])) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    long[] encoded = linearized.encode();
    hashes[slot] = hash;
    states[slot] = state;
    encodings[slot] = encoded;
    size++;
    encodingBytes += ENCODING_OVERHEAD_BYTES + (long) encoded.length * Long.BYTES;
    if (size > hashes.length * MAX_LOAD) {
      grow();
    }
    return true;
  }

  int size() {
    return size;
  }

  /** An estimate of the heap this memo holds, in bytes. */
  long bytes() {
    return (long) hashes.length * SLOT_BYTES + encodingBytes;
  }

  /**
   * Forgets the configurations whose sets have fewer than {@code fullPrefixWords} leading full
   * words, that is, which lie far behind the search's frontier, and shrinks the table to fit.
   * Forgetting is always sound: a memo entry only saves re-exploring a configuration that is known
   * to lead nowhere, so losing one can cost time, never a wrong verdict.
   */
  void forgetBehind(int fullPrefixWords) {
    int kept = 0;
    long keptEncodingBytes = 0;
    for (long[] encoded : encodings) {
      if (encoded != null && encoded[0] >= fullPrefixWords) {
        kept++;
        keptEncodingBytes += ENCODING_OVERHEAD_BYTES + (long) encoded.length * Long.BYTES;
      }
    }
    int capacity = 1 << 10;
    while (kept > capacity * MAX_LOAD / 2) {
      capacity *= 2;
    }
    rehash(capacity, fullPrefixWords);
    size = kept;
    encodingBytes = keptEncodingBytes;
  }

  private void grow() {
    rehash(hashes.length * 2, 0);
  }

  /** Moves the entries with enough full leading words into a table of {@code capacity}. */
  private void rehash(int capacity, int minimumFullPrefixWords) {
    long[] oldHashes = hashes;
    int[] oldStates = states;
    long[][] oldEncodings = encodings;
    allocate(capacity);
    int mask = hashes.length - 1;
    for (int old = 0; old < oldHashes.length; old++) {
      if (oldEncodings[old] == null || oldEncodings[old][0] < minimumFullPrefixWords) {
        continue;
      }
      int slot = (int) oldHashes[old] & mask;
      while (encodings[slot] != null) {
        slot = (slot + 1) & mask;
      }
      hashes[slot] = oldHashes[old];
      states[slot] = oldStates[old];
      encodings[slot] = oldEncodings[old];
    }
  }

  private void allocate(int capacity) {
    hashes = new long[capacity];
    states = new int[capacity];
    encodings = new long[capacity][];
  }

  /** A finalizer from SplitMix64, so that nearby hashes land in distant slots. */
  private static long mix(long value) {
    long z = value;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
