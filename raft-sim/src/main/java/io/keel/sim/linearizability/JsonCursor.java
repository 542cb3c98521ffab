package io.keel.sim.linearizability;

/**
 * A strict reader of JSON (RFC 8259) over one line of text, with just the operations the history
 * format needs. Every error says which column it is at, so a user can find a bad line quickly.
 */
final class JsonCursor {

  private final String text;
  private int position;

  JsonCursor(String text) {
    this.text = text;
  }

  /** Skips JSON whitespace (space, tab, CR, LF). */
  void skipWhitespace() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return;
      }
      position++;
    }
  }

  boolean atEnd() {
    return position >= text.length();
  }

  /** The next character, without consuming it, or -1 at the end. */
  int peek() {
    return position < text.length() ? text.charAt(position) : -1;
  }

  /** Consumes {@code expected}, or fails naming what was there instead. */
  void expect(char expected) throws MalformedEventException {
    if (peek() != expected) {
      throw error("expected '" + expected + "' but found " + describeNext());
    }
    position++;
  }

  /** Consumes {@code c} if it is next; says whether it did. */
  boolean consumeIf(char c) {
    if (peek() == c) {
      position++;
      return true;
    }
    return false;
  }

  /** Reads a string literal, or the literal {@code null} (returned as null). */
  String readNullableString() throws MalformedEventException {
    if (peek() == 'n') {
      readLiteral("null");
      return null;
    }
    if (peek() != '"') {
      throw error("expected a string or null but found " + describeNext());
    }
    return readString();
  }

  /** Reads a string literal, decoding every escape JSON allows and rejecting everything else. */
  String readString() throws MalformedEventException {
    expect('"');
    StringBuilder decoded = null;
    int runStart = position;
    while (true) {
      if (position >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(position);
      if (c == '"') {
        String tail = text.substring(runStart, position);
        position++;
        return decoded == null ? tail : decoded.append(tail).toString();
      }
      if (c < 0x20) {
        throw error("control character U+" + String.format("%04X", (int) c) + " inside a string");
      }
      if (c == '\\') {
        if (decoded == null) {
          decoded = new StringBuilder();
        }
        decoded.append(text, runStart, position);
        position++;
        decoded.append(readEscape());
        runStart = position;
      } else {
        position++;
      }
    }
  }

  private char readEscape() throws MalformedEventException {
    if (position >= text.length()) {
      throw error("unterminated escape");
    }
    char c = text.charAt(position++);
    switch (c) {
      case '"': return '"';
      case '\\': return '\\';
      case '/': return '/';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': return readUnicodeEscape();
      default:
        position--;
        throw error("invalid escape '\\" + c + "'");
    }
  }

  private char readUnicodeEscape() throws MalformedEventException {
    if (position + 4 > text.length()) {
      throw error("truncated \\u escape");
    }
    int code = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(position + i), 16);
      if (digit < 0) {
        throw error("invalid hex digit in \\u escape");
      }
      code = code * 16 + digit;
    }
    position += 4;
    return (char) code;
  }

  /** Reads a JSON number that must be an integer fitting in a long. */
  long readLong() throws MalformedEventException {
    int start = position;
    consumeIf('-');
    int digitsStart = position;
    while (position < text.length() && isDigit(text.charAt(position))) {
      position++;
    }
    int digitCount = position - digitsStart;
    if (digitCount == 0) {
      position = start;
      throw error("expected an integer but found " + describeNext());
    }
    if (digitCount > 1 && text.charAt(digitsStart) == '0') {
      position = start;
      throw error("leading zero in a number");
    }
    int next = peek();
    if (next == '.' || next == 'e' || next == 'E') {
      position = start;
      throw error("expected an integer but found a fraction or exponent");
    }
    try {
      return Long.parseLong(text.substring(start, position));
    } catch (NumberFormatException e) {
      position = start;
      throw error("integer out of range");
    }
  }

  /** Consumes one JSON value of any type, checking its syntax: fields the format ignores. */
  void skipValue(int depth) throws MalformedEventException {
    if (depth > 64) {
      throw error("nesting deeper than 64");
    }
    skipWhitespace();
    int c = peek();
    if (c == '"') {
      readString();
    } else if (c == '{') {
      skipContainer('{', '}', true, depth);
    } else if (c == '[') {
      skipContainer('[', ']', false, depth);
    } else if (c == 't') {
      readLiteral("true");
    } else if (c == 'f') {
      readLiteral("false");
    } else if (c == 'n') {
      readLiteral("null");
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      skipNumber();
    } else {
      throw error("expected a JSON value but found " + describeNext());
    }
  }

  private void skipContainer(char open, char close, boolean isObject, int depth)
      throws MalformedEventException {
    expect(open);
    skipWhitespace();
    if (consumeIf(close)) {
      return;
    }
    while (true) {
      if (isObject) {
        skipWhitespace();
        readString();
        skipWhitespace();
        expect(':');
      }
      skipValue(depth + 1);
      skipWhitespace();
      if (consumeIf(close)) {
        return;
      }
      expect(',');
    }
  }

  private void skipNumber() throws MalformedEventException {
    int start = position;
    consumeIf('-');
    int digitsStart = position;
    while (position < text.length() && isDigit(text.charAt(position))) {
      position++;
    }
    boolean leadingZero = position - digitsStart > 1 && text.charAt(digitsStart) == '0';
    if (position == digitsStart || leadingZero) {
      position = start;
      throw error("malformed number");
    }
    if (consumeIf('.')) {
      requireDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
      position++;
      if (!consumeIf('+')) {
        consumeIf('-');
      }
      requireDigits();
    }
  }

  private void requireDigits() throws MalformedEventException {
    int digitsStart = position;
    while (position < text.length() && isDigit(text.charAt(position))) {
      position++;
    }
    if (position == digitsStart) {
      throw error("malformed number");
    }
  }

  private void readLiteral(String literal) throws MalformedEventException {
    if (!text.startsWith(literal, position)) {
      throw error("expected " + literal + " but found " + describeNext());
    }
    position += literal.length();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A short quote of what follows the cursor, for error messages. */
  String describeNext() {
    if (position >= text.length()) {
      return "end of line";
    }
    int end = Math.min(text.length(), position + 12);
    return "'" + text.substring(position, end) + (end < text.length() ? "...'" : "'");
  }

  /** An error located at the cursor (columns count from 1). */
  MalformedEventException error(String message) {
    return new MalformedEventException(message + " (column " + (position + 1) + ")");
  }
}
