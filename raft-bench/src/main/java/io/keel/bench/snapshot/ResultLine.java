package io.keel.bench.snapshot;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark result: a name and named figures in order, printed for people as
 * {@code name key=value ...} or for tools as one JSON object with {@code "result": name}.
 * Values are numbers (whole, or with the given decimals, or unknown), booleans or plain words.
 */
final class ResultLine {

  private final String name;
  private final Map<String, String> text = new LinkedHashMap<>();
  private final Map<String, String> json = new LinkedHashMap<>();

  ResultLine(String name) {
    this.name = name;
  }

  ResultLine add(String key, long value) {
    return put(key, Long.toString(value), Long.toString(value));
  }

  /** A number with {@code decimals} decimals; one that is not finite is unknown: {@code n/a}, or null in JSON. */
  ResultLine add(String key, double value, int decimals) {
    if (!Double.isFinite(value)) {
      return put(key, "n/a", "null");
    }
    String formatted = String.format(Locale.ROOT, "%." + decimals + "f", value);
    return put(key, formatted, formatted);
  }

  ResultLine add(String key, boolean value) {
    return put(key, Boolean.toString(value), Boolean.toString(value));
  }

  /** A word: letters, digits and {@code . _ - / :} only, so that it needs no quoting in either form. */
  ResultLine add(String key, String word) {
    if (!word.matches("[A-Za-z0-9._/:-]*")) {
      throw new IllegalArgumentException("not a plain word: " + word);
    }
    return put(key, word, "\"" + word + "\"");
  }

  private ResultLine put(String key, String asText, String asJson) {
    text.put(key, asText);
    json.put(key, asJson);
    return this;
  }

  /** The value of {@code key} as printed for people, or null if the line has none. */
  String value(String key) {
    return text.get(key);
  }

  /** {@code name key=value key=value ...} */
  String human() {
    StringBuilder line = new StringBuilder(name);
    text.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
    return line.toString();
  }

  /** {@code {"result":"name","key":value,...}} */
  String json() {
    StringBuilder line = new StringBuilder("{\"result\":\"").append(name).append('"');
    json.forEach((key, value) -> line.append(",\"").append(key).append("\":").append(value));
    return line.append('}').toString();
  }

  String format(boolean asJson) {
    return asJson ? json() : human();
  }
}
