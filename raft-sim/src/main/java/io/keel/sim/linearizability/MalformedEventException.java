package io.keel.sim.linearizability;

/** A line that is not a well-formed history event; the reader adds the file and line number. */
final class MalformedEventException extends Exception {

  MalformedEventException(String message) {
    super(message);
  }
}
