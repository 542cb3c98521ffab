package io.keel.sim.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Objects;

/**
 * A small streaming JSON writer: objects, arrays, strings, integers, booleans and null, written as
 * they come to an {@link Appendable}, with no whitespace but the line breaks asked for. Strings are
 * escaped as JSON requires, and further so that the text is safe inside an HTML {@code <script>}
 * element and in JavaScript source: {@code <}, {@code >}, {@code &}, U+2028, U+2029, DEL and any
 * unpaired surrogate are written as {@code \}{@code uXXXX}. The same calls give the same text, byte
 * for byte. A call out of place (a value where a name is due, an end with nothing open) throws
 * {@link IllegalStateException}; a failing {@code Appendable} throws {@link UncheckedIOException}.
 */
public final class JsonWriter {

  /** How deeply objects and arrays may nest. */
  public static final int MAX_DEPTH = 32;

  private final Appendable out;
  /** Per open container: whether it is an object, and whether it holds a member yet. */
  private final boolean[] isObject = new boolean[MAX_DEPTH];
  private final boolean[] hasMember = new boolean[MAX_DEPTH];
  private int depth;
  private boolean nameWritten;
  private boolean done;
  private boolean lineBreak;

  /** A writer of one JSON value to {@code out}. */
  public JsonWriter(Appendable out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Opens an object. */
  public JsonWriter beginObject() {
    beforeValue(true);
    return open(true, '{');
  }

  /** Closes the innermost object. */
  public JsonWriter endObject() {
    return close(true, '}');
  }

  /** Opens an array. */
  public JsonWriter beginArray() {
    beforeValue(true);
    return open(false, '[');
  }

  /** Closes the innermost array. */
  public JsonWriter endArray() {
    return close(false, ']');
  }

  /** The name of the next member of the innermost object. */
  public JsonWriter name(String name) {
    Objects.requireNonNull(name, "name");
    if (depth == 0 || !isObject[depth - 1] || nameWritten) {
      throw new IllegalStateException("a name belongs in an object, before its value: " + name);
    }
    separate();
    string(name);
    append(':');
    nameWritten = true;
    return this;
  }

  /** A string value, or null. */
  public JsonWriter value(String text) {
    if (text == null) {
      return nullValue();
    }
    beforeValue(false);
    string(text);
    return this;
  }

  /** An integer value. */
  public JsonWriter value(long number) {
    beforeValue(false);
    append(Long.toString(number));
    return this;
  }

  /** A boolean value. */
  public JsonWriter value(boolean truth) {
    beforeValue(false);
    append(truth ? "true" : "false");
    return this;
  }

  /** The null value. */
  public JsonWriter nullValue() {
    beforeValue(false);
    append("null");
    return this;
  }

  /** A member with a string value (null written as null). */
  public JsonWriter field(String name, String text) {
    return name(name).value(text);
  }

  /** A member with an integer value. */
  public JsonWriter field(String name, long number) {
    return name(name).value(number);
  }

  /** A member with a boolean value. */
  public JsonWriter field(String name, boolean truth) {
    return name(name).value(truth);
  }

  /** Starts the next member of the innermost array or object on a new line, after its comma: it reads better. */
  public JsonWriter newline() {
    lineBreak = true;
    return this;
  }

  /** {@code text} as a JSON string literal, escaped as this writer escapes it. */
  public static String quote(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2);
    new JsonWriter(quoted).value(text);
    return quoted.toString();
  }

  private JsonWriter open(boolean object, char bracket) {
    if (depth == MAX_DEPTH) {
      throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
    }
    isObject[depth] = object;
    hasMember[depth] = false;
    depth++;
    append(bracket);
    return this;
  }

  private JsonWriter close(boolean object, char bracket) {
    if (depth == 0 || isObject[depth - 1] != object || nameWritten) {
      throw new IllegalStateException("no open " + (object ? "object" : "array") + " to close here");
    }
    depth--;
    append(bracket);
    done = depth == 0;
    return this;
  }

  /** Checks that a value may come here, and writes the comma before an array's next element. */
  private void beforeValue(boolean container) {
    if (done) {
      throw new IllegalStateException("the JSON value is complete");
    }
    if (depth == 0) {
      done = !container; // a scalar at the top is the whole value; a container is once it closes
      return;
    }
    if (isObject[depth - 1]) {
      if (!nameWritten) {
        throw new IllegalStateException("a member of an object needs a name first");
      }
      nameWritten = false;
      return;
    }
    separate();
  }

  /** The comma before the innermost container's next member, and the line break asked for. */
  private void separate() {
    if (hasMember[depth - 1]) {
      append(',');
    }
    hasMember[depth - 1] = true;
    if (lineBreak) {
      append('\n');
      lineBreak = false;
    }
  }

  private void string(String text) {
    append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> append("\\\"");
        case '\\' -> append("\\\\");
        case '\n' -> append("\\n");
        case '\r' -> append("\\r");
        case '\t' -> append("\\t");
        case '\b' -> append("\\b");
        case '\f' -> append("\\f");
        default -> {
          if (needsUnicodeEscape(text, i, c)) {
            append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            append(c);
          }
        }
      }
    }
    append('"');
  }

  /** Control characters, HTML's special characters, JavaScript's line separators, and lone surrogates. */
  private static boolean needsUnicodeEscape(String text, int i, char c) {
    if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }

  private void append(char c) {
    try {
      out.append(c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void append(String text) {
    try {
      out.append(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
