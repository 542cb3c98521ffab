package io.keel.sim.linearizability;

/**
 * A history that cannot be judged because it breaks the format or its rules: malformed JSON, a
 * second invoke while one is outstanding, a completion with no invoke or before its invoke, or a
 * completion whose {@code f} or key differs from its invoke. It names the file and the line.
 */
public final class BadHistoryException extends Exception {

  private final String source;
  private final long lineNumber;
  private final String reason;

  /**
   * A problem found on line {@code lineNumber} (counting from 1) of {@code source}; line 0 means
   * the problem is with the source as a whole, such as a file that cannot be read.
   */
  public BadHistoryException(String source, long lineNumber, String reason) {
    super(source + (lineNumber > 0 ? ":" + lineNumber : "") + ": " + reason);
    this.source = source;
    this.lineNumber = lineNumber;
    this.reason = reason;
  }

  /** The file (or other source) the history came from. */
  public String source() {
    return source;
  }

  /** The offending line, counting from 1, or 0 if no line is to blame. */
  public long lineNumber() {
    return lineNumber;
  }

  /** What is wrong with the line, without the location. */
  public String reason() {
    return reason;
  }
}
