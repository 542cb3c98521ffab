package io.keel.sim.linearizability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a JSON-lines history, checks the rules of the format and pairs every invoke with its
 * completion. Anything wrong is a {@link BadHistoryException} naming the line, never a verdict:
 * a checker that guessed what a broken history meant could pass a broken system.
 */
public final class HistoryReader {

  private final String source;
  private final Map<Long, PendingInvoke> outstandingByProcess = new HashMap<>();
  private final Map<Long, Long> lastCompletionNanosByProcess = new HashMap<>();
  private final Map<String, List<Operation>> operationsByKey = new HashMap<>();
  private final Map<String, String> internedStrings = new HashMap<>();
  private int invocationCount;

  private HistoryReader(String source) {
    this.source = source;
  }

  /** Reads the history in {@code file}, which must be UTF-8. */
  public static History read(Path file) throws IOException, BadHistoryException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(new Utf8Lines(in), file.toString());
    }
  }

  /** Reads a history from {@code reader}; {@code source} names it in error messages. */
  public static History read(BufferedReader reader, String source)
      throws IOException, BadHistoryException {
    return read(lineNumber -> reader.readLine(), source);
  }

  private static History read(LineSource lines, String source)
      throws IOException, BadHistoryException {
    HistoryReader historyReader = new HistoryReader(source);
    long lineNumber = 0;
    while (true) {
      String line;
      try {
        line = lines.next(lineNumber + 1);
      } catch (CharacterCodingException e) {
        throw new BadHistoryException(source, lineNumber + 1, "not valid UTF-8");
      }
      if (line == null) {
        break;
      }
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      HistoryEvent event;
      try {
        event = HistoryJson.parse(line);
      } catch (MalformedEventException e) {
        throw new BadHistoryException(source, lineNumber, "malformed event: " + e.getMessage());
      }
      historyReader.accept(event, lineNumber);
    }
    return historyReader.finish();
  }

  /** Builds a history from events already in memory; line numbers count events from 1. */
  public static History fromEvents(List<HistoryEvent> events, String source)
      throws BadHistoryException {
    HistoryReader historyReader = new HistoryReader(source);
    long lineNumber = 0;
    for (HistoryEvent event : events) {
      historyReader.accept(event, ++lineNumber);
    }
    return historyReader.finish();
  }

  private void accept(HistoryEvent event, long lineNumber) throws BadHistoryException {
    if (event.type() == EventType.INVOKE) {
      acceptInvoke(event, lineNumber);
    } else {
      acceptCompletion(event, lineNumber);
    }
  }

  private void acceptInvoke(HistoryEvent event, long lineNumber) throws BadHistoryException {
    PendingInvoke outstanding = outstandingByProcess.get(event.process());
    if (outstanding != null) {
      throw bad(lineNumber, "process " + event.process() + " invokes a second operation while"
          + " its operation invoked on line " + outstanding.lineNumber + " is outstanding");
    }
    Long lastCompletionNanos = lastCompletionNanosByProcess.get(event.process());
    if (lastCompletionNanos != null && event.timeNanos() < lastCompletionNanos) {
      throw bad(lineNumber, "invoke at time " + event.timeNanos() + " precedes the completion of"
          + " process " + event.process() + "'s previous operation at " + lastCompletionNanos);
    }
    EventValue value = event.value();
    boolean valueFits =
        switch (event.kind()) {
          case READ -> value instanceof EventValue.NoValue
              || (value instanceof EventValue.Single single && single.value() == null);
          case WRITE -> value instanceof EventValue.Single;
          case CAS -> value instanceof EventValue.Pair;
        };
    if (!valueFits) {
      throw bad(lineNumber, "a " + event.kind().jsonName() + " invoke needs "
          + switch (event.kind()) {
            case READ -> "no value (or null)";
            case WRITE -> "a value (a string, or null to remove the key)";
            case CAS -> "an [expected, new] value";
          });
    }
    invocationCount++;
    outstandingByProcess.put(
        event.process(), new PendingInvoke(event, lineNumber, invocationCount - 1));
  }

  private void acceptCompletion(HistoryEvent event, long lineNumber) throws BadHistoryException {
    PendingInvoke invoke = outstandingByProcess.remove(event.process());
    if (invoke == null) {
      throw bad(lineNumber, "a " + event.type().jsonName() + " completion for process "
          + event.process() + ", which has no outstanding invoke");
    }
    HistoryEvent invoked = invoke.event;
    if (invoked.kind() != event.kind()) {
      throw bad(lineNumber, "completion has f \"" + event.kind().jsonName() + "\" but the invoke on"
          + " line " + invoke.lineNumber + " has f \"" + invoked.kind().jsonName() + "\"");
    }
    if (!invoked.key().equals(event.key())) {
      throw bad(lineNumber, "completion is for key \"" + event.key() + "\" but the invoke on line "
          + invoke.lineNumber + " is for key \"" + invoked.key() + "\"");
    }
    if (event.timeNanos() < invoked.timeNanos()) {
      throw bad(lineNumber, "completion at time " + event.timeNanos() + " is before its invoke at "
          + invoked.timeNanos() + " on line " + invoke.lineNumber);
    }
    checkCompletionValue(event, invoke, lineNumber);
    lastCompletionNanosByProcess.put(event.process(), event.timeNanos());
    String key = intern(invoked.key());
    List<Operation> ofKey = operationsByKey.computeIfAbsent(key, k -> new ArrayList<>());
    if (event.type() == EventType.OK) {
      ofKey.add(toOperation(invoke, event, lineNumber));
    } else if (event.type() == EventType.INFO && invoked.kind() != OperationKind.READ) {
      ofKey.add(toOperation(invoke, null, lineNumber));
    }
  }

  private void checkCompletionValue(HistoryEvent event, PendingInvoke invoke, long lineNumber)
      throws BadHistoryException {
    EventValue value = event.value();
    if (event.kind() == OperationKind.READ) {
      if (event.type() == EventType.OK && !(value instanceof EventValue.Single)) {
        throw bad(lineNumber, "an ok read must carry the value read (null if the key is absent)");
      }
      if (value instanceof EventValue.Pair) {
        throw bad(lineNumber, "a read completion cannot carry an [expected, new] pair");
      }
      return;
    }
    if (!(value instanceof EventValue.NoValue) && !value.equals(invoke.event.value())) {
      throw bad(lineNumber, "a " + event.kind().jsonName() + " completion may only repeat the"
          + " value of its invoke on line " + invoke.lineNumber);
    }
  }

  private Operation toOperation(PendingInvoke invoke, HistoryEvent completion, long lineNumber) {
    HistoryEvent invoked = invoke.event;
    String value;
    String expected = null;
    if (invoked.kind() == OperationKind.READ) {
      value = ((EventValue.Single) completion.value()).value();
    } else if (invoked.kind() == OperationKind.WRITE) {
      value = ((EventValue.Single) invoked.value()).value();
    } else {
      EventValue.Pair pair = (EventValue.Pair) invoked.value();
      expected = pair.expected();
      value = pair.replacement();
    }
    boolean ok = completion != null;
    return new Operation(
        invoke.invocationIndex,
        invoked.process(),
        invoked.kind(),
        intern(invoked.key()),
        value,
        expected,
        invoked.timeNanos(),
        ok ? completion.timeNanos() : Operation.UNKNOWN_COMPLETION_NANOS,
        ok ? EventType.OK : EventType.INFO,
        invoke.lineNumber,
        lineNumber);
  }

  private History finish() {
    // An invoke that never completed may have taken effect at any moment after it, or never.
    List<PendingInvoke> neverCompleted = new ArrayList<>(outstandingByProcess.values());
    neverCompleted.sort((a, b) -> Long.compare(a.lineNumber, b.lineNumber));
    for (PendingInvoke invoke : neverCompleted) {
      String key = intern(invoke.event.key());
      List<Operation> ofKey = operationsByKey.computeIfAbsent(key, k -> new ArrayList<>());
      if (invoke.event.kind() != OperationKind.READ) {
        ofKey.add(toOperation(invoke, null, 0));
      }
    }
    for (List<Operation> ofKey : operationsByKey.values()) {
      ofKey.sort((a, b) -> Integer.compare(a.id(), b.id()));
    }
    return new History(source, invocationCount, operationsByKey);
  }

  /** Keys repeat on every line; one copy of each keeps large histories small. */
  private String intern(String text) {
    String known = internedStrings.putIfAbsent(text, text);
    return Objects.requireNonNullElse(known, text);
  }

  private BadHistoryException bad(long lineNumber, String reason) {
    return new BadHistoryException(source, lineNumber, reason);
  }

  /** Where lines come from; returns null at the end. */
  private interface LineSource {
    String next(long lineNumber) throws IOException;
  }

  /**
   * Lines of a UTF-8 byte stream, decoded one line at a time so that invalid UTF-8 is reported
   * on its own line (a decoding reader reads ahead and would blame an earlier one).
   */
  private static final class Utf8Lines implements LineSource {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);

    Utf8Lines(InputStream in) {
      this.in = in;
    }

    @Override
    public String next(long lineNumber) throws IOException {
      int length = 0;
      boolean sawAnything = false;
      boolean ascii = true;
      while (true) {
        if (position == limit) {
          limit = in.read(buffer);
          position = 0;
          if (limit <= 0) {
            limit = 0;
            return sawAnything ? decode(length, ascii) : null;
          }
        }
        sawAnything = true;
        byte b = buffer[position++];
        if (b == '\n') {
          return decode(length, ascii);
        }
        if (length == line.length) {
          line = Arrays.copyOf(line, length * 2);
        }
        line[length++] = b;
        ascii &= b >= 0;
      }
    }

    private String decode(int length, boolean ascii) throws CharacterCodingException {
      if (length > 0 && line[length - 1] == '\r') {
        length--;
      }
      if (ascii) {
        return new String(line, 0, length, StandardCharsets.ISO_8859_1);
      }
      return decoder.decode(ByteBuffer.wrap(line, 0, length)).toString();
    }
  }

  private record PendingInvoke(HistoryEvent event, long lineNumber, int invocationIndex) {}
}
