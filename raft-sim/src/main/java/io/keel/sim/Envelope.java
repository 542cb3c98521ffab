package io.keel.sim;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How the simulator wraps a client's command in the log: an 8-byte attempt id, unique in the run,
 * then the workload's own bytes. The id lets the checkers find each proposal in the committed log;
 * the user's state machine sees only its own bytes.
 */
final class Envelope {

  private Envelope() {}

  static byte[] wrap(long attemptId, byte[] payload) {
    return ByteBuffer.allocate(Long.BYTES + payload.length).putLong(attemptId).put(payload).array();
  }

  static long attemptId(byte[] command) {
    return ByteBuffer.wrap(command).getLong();
  }

  static byte[] payload(byte[] command) {
    return Arrays.copyOfRange(command, Long.BYTES, command.length);
  }
}
