package io.keel.transport.netty.wire;

import java.util.Objects;

/** The rule shared by every short string on the wire: 1 to 64 letters, digits, '.', '_' or '-'. */
final class Identifiers {

  private Identifiers() {}

  /** Whether {@code c} (a char or an unsigned byte) may appear in a short string. */
  static boolean isAllowed(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == '-';
  }

  /** Returns {@code value} if it is a valid short string, else throws naming it as {@code what}. */
  static String requireShortString(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.length() > WireFormat.MAX_SHORT_STRING_BYTES) {
      throw new IllegalArgumentException(what + " must be 1 to " + WireFormat.MAX_SHORT_STRING_BYTES
          + " characters long, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      if (!isAllowed(value.charAt(i))) {
        throw new IllegalArgumentException(
            what + " may hold only letters, digits, '.', '_' and '-', got '" + value + "'");
      }
    }
    return value;
  }
}
