package io.keel.kv.rocks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How the store's records are keyed in RocksDB's one key space: a first byte names the kind, so
 * the user's keys keep their unsigned byte order among themselves and apart from the rest.
 */
final class Keys {

  /** The user's keys: {@code 'd'} and the key. */
  static final byte DATA = 'd';
  /** The index applied, as of the last flush. */
  static final byte[] APPLIED = "m/applied".getBytes(StandardCharsets.US_ASCII);
  /** How many user keys hold a value. */
  static final byte[] SIZE = "m/size".getBytes(StandardCharsets.US_ASCII);
  /** The session table's own record. */
  static final byte[] SESSION_TABLE = "m/sessions".getBytes(StandardCharsets.US_ASCII);
  /** Each session's record: the prefix and the client id, 8 bytes big-endian. */
  static final byte[] SESSION_PREFIX = {'s'};
  /** Each node's announced client addresses: the prefix and the node id. */
  static final byte[] MEMBER_PREFIX = {'a'};

  private Keys() {}

  static byte[] data(byte[] key) {
    byte[] stored = new byte[key.length + 1];
    stored[0] = DATA;
    System.arraycopy(key, 0, stored, 1, key.length);
    return stored;
  }

  static byte[] session(long clientId) {
    return ByteBuffer.allocate(9).put(SESSION_PREFIX).putLong(clientId).array();
  }

  static byte[] member(String node) {
    byte[] id = node.getBytes(StandardCharsets.UTF_8);
    byte[] stored = new byte[id.length + 1];
    stored[0] = MEMBER_PREFIX[0];
    System.arraycopy(id, 0, stored, 1, id.length);
    return stored;
  }

  static byte[] longBytes(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  /** The key just past every key that starts with {@code prefix} (a one-byte prefix below 0xff). */
  static byte[] end(byte[] prefix) {
    return new byte[] {(byte) (prefix[0] + 1)};
  }
}
