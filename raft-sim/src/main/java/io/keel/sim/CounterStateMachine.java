package io.keel.sim;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The simulator's default replicated state machine: a counter. Each command is an 8-byte amount to
 * add; the result is the counter's new value.
 */
public final class CounterStateMachine implements StateMachine<Long> {

  private long value;

  /** An 8-byte command that adds {@code amount}. */
  public static byte[] add(long amount) {
    return ByteBuffer.allocate(Long.BYTES).putLong(amount).array();
  }

  /** The workload that adds a small random amount with every command. */
  public static Workload randomAdds() {
    return (sequence, random) -> add(1 + random.nextLong(100));
  }

  @Override
  public Long apply(long index, byte[] command) {
    if (command.length != Long.BYTES) {
      throw new IllegalArgumentException("a counter command is 8 bytes, got " + command.length);
    }
    value += ByteBuffer.wrap(command).getLong();
    return value;
  }

  /** The counter's value, as eight bytes. */
  @Override
  public StateMachineSnapshot snapshot() {
    long at = value;
    return out -> {
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(at);
      data.flush();
    };
  }

  @Override
  public void restore(long lastIndex, InputStream in) throws IOException {
    value = new DataInputStream(in).readLong();
  }

  /** The counter's value after the commands applied so far. */
  public long value() {
    return value;
  }
}
