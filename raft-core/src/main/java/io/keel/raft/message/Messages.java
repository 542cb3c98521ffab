package io.keel.raft.message;

/** Checks shared by the message records. */
final class Messages {

  private Messages() {}

  static void requireTerm(long term) {
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, got " + term);
    }
  }

  static void requireIndexAndTerm(long index, long term) {
    if (index < 0 || term < 0) {
      throw new IllegalArgumentException("index and term must be >= 0, got " + index + "@" + term);
    }
    if ((index == 0) != (term == 0)) {
      throw new IllegalArgumentException("only index 0 has term 0, got " + index + "@" + term);
    }
  }
}
