package io.keel.transport.netty.wire;

/** UTF-8 sizes of Java strings, for the reason of a REJECT. */
final class Utf8 {

  private Utf8() {}

  /** The UTF-8 size of {@code text}, or -1 if it holds an unpaired surrogate (not encodable). */
  static int encodedBytes(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return -1;
        }
        i++;
        bytes += 4;
      } else if (Character.isLowSurrogate(c)) {
        return -1;
      } else {
        bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      }
    }
    return bytes;
  }

  /** The longest prefix of {@code text} within {@code maxBytes}, unpaired surrogates as '?'. */
  static String fitting(String text, int maxBytes) {
    StringBuilder fitted = new StringBuilder(Math.min(text.length(), maxBytes));
    int bytes = 0;
    int i = 0;
    while (i < text.length()) {
      int codePoint = text.codePointAt(i);
      i += Character.charCount(codePoint);
      if (Character.isBmpCodePoint(codePoint) && Character.isSurrogate((char) codePoint)) {
        codePoint = '?';
      }
      int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (bytes + size > maxBytes) {
        break;
      }
      fitted.appendCodePoint(codePoint);
      bytes += size;
    }
    return fitted.toString();
  }
}
