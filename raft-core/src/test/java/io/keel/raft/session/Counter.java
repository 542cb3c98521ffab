package io.keel.raft.session;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A counter to wrap in sessions: each command adds its 8-byte value and answers the new total; a
 * negative value throws. Counts its applies, to show that a retry is not applied again.
 */
final class Counter implements StateMachine<Long> {

  static final ResultCodec<Long> CODEC = new ResultCodec<>() {
    @Override
    public byte[] encode(Long result) {
      return ByteBuffer.allocate(8).putLong(result).array();
    }

    @Override
    public Long decode(byte[] bytes) {
      if (bytes.length != 8) {
        throw new IllegalArgumentException(bytes.length + " bytes, not 8");
      }
      return ByteBuffer.wrap(bytes).getLong();
    }
  };

  long total;
  final List<Long> applied = new ArrayList<>();

  static byte[] add(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  @Override
  public Long apply(long index, byte[] command) {
    long value = ByteBuffer.wrap(command).getLong();
    applied.add(value);
    if (value < 0) {
      throw new IllegalArgumentException("negative: " + value);
    }
    total += value;
    return total;
  }

  @Override
  public StateMachineSnapshot snapshot() {
    long copy = total;
    return out -> new DataOutputStream(out).writeLong(copy);
  }

  @Override
  public void restore(long lastIndex, InputStream in) throws IOException {
    total = new DataInputStream(in).readLong();
  }
}
