package io.keel.sim.kv;

import io.keel.raft.StateMachine;
import io.keel.raft.StateMachineSnapshot;
import io.keel.raft.session.ResultCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The simulator's key-value store: a map of string registers with write and compare-and-set
 * commands, answering {@code "ok"} or, for a compare-and-set whose expected value did not match,
 * {@code "mismatch"}. Reads go through {@link io.keel.raft.protocol.Reads} and {@link #get}.
 */
public final class KvStateMachine implements StateMachine<String> {

  /** The answer to a write, and to a compare-and-set that swapped. */
  public static final String OK = "ok";
  /** The answer to a compare-and-set whose expected value was not there: nothing changed. */
  public static final String MISMATCH = "mismatch";

  /** Results as UTF-8. */
  public static final ResultCodec<String> CODEC = new ResultCodec<>() {
    @Override
    public byte[] encode(String result) {
      return Objects.requireNonNull(result, "result").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  };

  private static final byte WRITE = 1;
  private static final byte CAS = 2;

  private final TreeMap<String, String> values = new TreeMap<>();

  /** A write of {@code value} (null removes the key). */
  public static byte[] write(String key, String value) {
    return encode(WRITE, key, null, value);
  }

  /** A compare-and-set of {@code key} from {@code expected} to {@code value} (null: absent). */
  public static byte[] cas(String key, String expected, String value) {
    return encode(CAS, key, expected, value);
  }

  /** The value of {@code key} now, null if absent. */
  public String get(String key) {
    return values.get(key);
  }

  @Override
  public String apply(long index, byte[] command) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(command))) {
      byte op = in.readByte();
      String key = in.readUTF();
      String expected = readNullable(in);
      String value = readNullable(in);
      if (op == CAS && !Objects.equals(values.get(key), expected)) {
        return MISMATCH;
      }
      if (op != WRITE && op != CAS) {
        throw new IllegalArgumentException("unknown key-value command " + op);
      }
      if (value == null) {
        values.remove(key);
      } else {
        values.put(key, value);
      }
      return OK;
    } catch (IOException e) {
      throw new IllegalArgumentException("a key-value command that does not decode", e);
    }
  }

  @Override
  public StateMachineSnapshot snapshot() {
    Map<String, String> copy = new TreeMap<>(values);
    return out -> {
      DataOutputStream data = new DataOutputStream(out);
      data.writeInt(copy.size());
      for (Map.Entry<String, String> entry : copy.entrySet()) {
        data.writeUTF(entry.getKey());
        data.writeUTF(entry.getValue());
      }
      data.flush();
    };
  }

  @Override
  public void restore(long lastIndex, InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int count = data.readInt();
    if (count < 0) {
      throw new IOException("a key-value snapshot of " + count + " keys");
    }
    TreeMap<String, String> read = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      read.put(data.readUTF(), data.readUTF());
    }
    values.clear();
    values.putAll(read);
  }

  private static byte[] encode(byte op, String key, String expected, String value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(op);
      out.writeUTF(key);
      writeNullable(out, expected);
      writeNullable(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeNullable(DataOutputStream out, String text) throws IOException {
    out.writeBoolean(text != null);
    if (text != null) {
      out.writeUTF(text);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
