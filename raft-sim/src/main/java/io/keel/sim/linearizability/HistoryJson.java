package io.keel.sim.linearizability;

/**
 * Reads and writes one history event as one line of JSON, for example
 * {@code {"process":3,"type":"invoke","f":"write","key":"k1","value":"v7","time":123456789}}.
 *
 * <p>The reader is strict about JSON itself (escapes, numbers, no trailing text) and about the
 * fields the format defines, and skips fields it does not know so that histories can carry extra
 * annotations.
 */
public final class HistoryJson {

  private HistoryJson() {}

  /** Parses one line; the message of the exception says what is wrong and at which column. */
  static HistoryEvent parse(String line) throws MalformedEventException {
    JsonCursor cursor = new JsonCursor(line);
    FieldValues fields = new FieldValues();
    cursor.skipWhitespace();
    cursor.expect('{');
    cursor.skipWhitespace();
    if (!cursor.consumeIf('}')) {
      do {
        cursor.skipWhitespace();
        String name = cursor.readString();
        cursor.skipWhitespace();
        cursor.expect(':');
        cursor.skipWhitespace();
        readField(cursor, name, fields);
        cursor.skipWhitespace();
      } while (cursor.consumeIf(','));
      cursor.expect('}');
    }
    cursor.skipWhitespace();
    if (!cursor.atEnd()) {
      throw cursor.error("unexpected text after the object: " + cursor.describeNext());
    }
    return fields.toEvent();
  }

  private static void readField(JsonCursor cursor, String name, FieldValues fields)
      throws MalformedEventException {
    switch (name) {
      case "process" -> fields.process = fields.once(name, fields.process, cursor.readLong());
      case "time" -> fields.timeNanos = fields.once(name, fields.timeNanos, cursor.readLong());
      case "type" -> {
        String typeName = fields.once(name, fields.typeName, cursor.readString());
        fields.typeName = typeName;
        fields.type = EventType.fromJsonName(typeName);
        if (fields.type == null) {
          throw new MalformedEventException(
              "\"type\" must be invoke, ok, fail or info, not \"" + typeName + "\"");
        }
      }
      case "f" -> {
        String kindName = fields.once(name, fields.kindName, cursor.readString());
        fields.kindName = kindName;
        fields.kind = OperationKind.fromJsonName(kindName);
        if (fields.kind == null) {
          throw new MalformedEventException(
              "\"f\" must be read, write or cas, not \"" + kindName + "\"");
        }
      }
      case "key" -> fields.key = fields.once(name, fields.key, cursor.readString());
      case "value" -> fields.value = fields.once(name, fields.value, readValue(cursor));
      default -> cursor.skipValue(0);
    }
  }

  private static EventValue readValue(JsonCursor cursor) throws MalformedEventException {
    if (cursor.peek() != '[') {
      if (cursor.peek() != '"' && cursor.peek() != 'n') {
        throw cursor.error(
            "\"value\" must be a string, null or an [expected, new] pair, not "
                + cursor.describeNext());
      }
      return EventValue.single(cursor.readNullableString());
    }
    cursor.expect('[');
    cursor.skipWhitespace();
    String expected = cursor.readNullableString();
    cursor.skipWhitespace();
    cursor.expect(',');
    cursor.skipWhitespace();
    String replacement = cursor.readNullableString();
    cursor.skipWhitespace();
    if (cursor.peek() != ']') {
      throw cursor.error("a compare-and-set value must have exactly two elements");
    }
    cursor.expect(']');
    return EventValue.pair(expected, replacement);
  }

  /** Formats one event as a line of JSON, without the line terminator. */
  public static String format(HistoryEvent event) {
    StringBuilder line = new StringBuilder(96);
    line.append("{\"process\":").append(event.process());
    line.append(",\"type\":\"").append(event.type().jsonName());
    line.append("\",\"f\":\"").append(event.kind().jsonName());
    line.append("\",\"key\":");
    appendString(line, event.key());
    EventValue value = event.value();
    if (value instanceof EventValue.Single single) {
      line.append(",\"value\":");
      appendNullableString(line, single.value());
    } else if (value instanceof EventValue.Pair pair) {
      line.append(",\"value\":[");
      appendNullableString(line, pair.expected());
      line.append(',');
      appendNullableString(line, pair.replacement());
      line.append(']');
    }
    line.append(",\"time\":").append(event.timeNanos()).append('}');
    return line.toString();
  }

  /** Appends {@code text} as a JSON string literal, or {@code null}. */
  public static void appendNullableString(StringBuilder out, String text) {
    if (text == null) {
      out.append("null");
    } else {
      appendString(out, text);
    }
  }

  /** Appends {@code text} as a JSON string literal, escaping what JSON requires. */
  public static void appendString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** The fields of one line as they are read, so that duplicates and omissions can be caught. */
  private static final class FieldValues {
    Long process;
    Long timeNanos;
    String typeName;
    EventType type;
    String kindName;
    OperationKind kind;
    String key;
    EventValue value;

    <T> T once(String name, Object previous, T value) throws MalformedEventException {
      if (previous != null) {
        throw new MalformedEventException("field \"" + name + "\" appears twice");
      }
      return value;
    }

    HistoryEvent toEvent() throws MalformedEventException {
      require(process, "process");
      require(type, "type");
      require(kind, "f");
      require(key, "key");
      require(timeNanos, "time");
      if (process < 0) {
        throw new MalformedEventException("\"process\" must not be negative");
      }
      return new HistoryEvent(
          process, type, kind, key, value == null ? EventValue.NONE : value, timeNanos);
    }

    private static void require(Object field, String name) throws MalformedEventException {
      if (field == null) {
        throw new MalformedEventException("missing field \"" + name + "\"");
      }
    }
  }
}
