package io.keel.sim.linearizability;

import java.util.SplittableRandom;

/**
 * The set of operations linearized so far on the search's current path, as a bitset that also
 * keeps an incremental hash and a compact, canonical encoding for the memo.
 *
 * <p>Operations are numbered in invoke order and the search linearizes them roughly in that order,
 * so the set is nearly always "every operation below some index, plus a few above it". The
 * encoding therefore drops the leading words whose bits are all set and the trailing words with
 * none: a memo entry costs a few words even in a history of a million operations.
 */
final class LinearizedSet {

  private final long[] words;
  /** A random 64-bit label per operation; the hash is the XOR of the labels in the set. */
  private final long[] labels;
  /** Invariant: every word below this index is all ones, and the word at it is not. */
  private int fullPrefixWords;
  /** Invariant: the highest word with any bit set, or -1 when the set is empty. */
  private int highestNonZeroWord = -1;
  private long hash;

  LinearizedSet(int operationCount, long labelSeed) {
    words = new long[Math.max(1, (operationCount + 63) >>> 6)];
    labels = new long[operationCount];
    SplittableRandom random = new SplittableRandom(labelSeed);
    for (int i = 0; i < operationCount; i++) {
      labels[i] = random.nextLong();
    }
  }

  boolean contains(int operation) {
    return (words[operation >>> 6] & (1L << operation)) != 0;
  }

  void add(int operation) {
    int word = operation >>> 6;
    long bit = 1L << operation;
    assert (words[word] & bit) == 0 : "operation already linearized";
    words[word] |= bit;
    hash ^= labels[operation];
    if (word > highestNonZeroWord) {
      highestNonZeroWord = word;
    }
    while (fullPrefixWords < words.length && words[fullPrefixWords] == -1L) {
      fullPrefixWords++;
    }
  }

  void remove(int operation) {
    int word = operation >>> 6;
    long bit = 1L << operation;
    assert (words[word] & bit) != 0 : "operation not linearized";
    words[word] &= ~bit;
    hash ^= labels[operation];
    if (word < fullPrefixWords) {
      fullPrefixWords = word;
    }
    while (highestNonZeroWord >= 0 && words[highestNonZeroWord] == 0) {
      highestNonZeroWord--;
    }
  }

  /** How many leading words of the set are full: every operation below 64 times this is in it. */
  int fullPrefixWords() {
    return fullPrefixWords;
  }

  long hash() {
    return hash;
  }

  /** The canonical encoding: the count of all-ones leading words, then the words that follow. */
  long[] encode() {
    int length = Math.max(0, highestNonZeroWord - fullPrefixWords + 1);
    long[] encoded = new long[1 + length];
    encoded[0] = fullPrefixWords;
    System.arraycopy(words, fullPrefixWords, encoded, 1, length);
    return encoded;
  }

  /** Whether {@code encoded} is the encoding of this set, without building that encoding. */
  boolean matches(long[] encoded) {
    int length = Math.max(0, highestNonZeroWord - fullPrefixWords + 1);
    if (encoded[0] != fullPrefixWords || encoded.length != 1 + length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (encoded[1 + i] != words[fullPrefixWords + i]) {
        return false;
      }
    }
    return true;
  }
}
