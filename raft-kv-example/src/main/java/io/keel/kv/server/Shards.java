package io.keel.kv.server;

import io.keel.raft.GroupId;
import java.util.zip.CRC32C;

/**
 * Which Raft group holds a key: the key space is hashed over the service's groups, {@code kv-0} to
 * {@code kv-(n-1)}. The hash is CRC-32C of the key, or, as in Redis Cluster, of the part between
 * the first <code>{</code> and the next <code>}</code> when that part is not empty, so that keys
 * such as <code>user:{42}:name</code> and <code>user:{42}:mail</code> share a group and one
 * multi-key command can write both. The mapping is part of the data's layout: the number of
 * groups cannot change once a node holds data.
 */
public final class Shards {

  /** The most groups a service may hash its keys over. */
  public static final int MAX_GROUPS = 256;

  private final int groups;
  private final GroupId[] ids;

  /** The key space of a service of {@code groups} groups. */
  public Shards(int groups) {
    if (groups < 1 || groups > MAX_GROUPS) {
      throw new IllegalArgumentException("groups must be 1 to " + MAX_GROUPS + ", not " + groups);
    }
    this.groups = groups;
    this.ids = new GroupId[groups];
    for (int i = 0; i < groups; i++) {
      ids[i] = GroupId.of("kv-" + i);
    }
  }

  /** How many groups the keys are hashed over. */
  public int count() {
    return groups;
  }

  /** The index of the group that holds {@code key}. */
  public int groupOf(byte[] key) {
    if (groups == 1) {
      return 0;
    }
    int from = 0;
    int to = key.length;
    int open = indexOf(key, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(key, (byte) '}', open + 1);
      if (close > open + 1) {
        from = open + 1;
        to = close;
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(key, from, to - from);
    return (int) (crc.getValue() % groups);
  }

  /** The id of group {@code index}. */
  public GroupId id(int index) {
    return ids[index];
  }

  /** The index of group {@code id}, or -1 if it is none of this service's. */
  public int indexOf(GroupId id) {
    String name = id.value();
    if (!name.startsWith("kv-")) {
      return -1;
    }
    try {
      int index = Integer.parseInt(name.substring(3));
      return index >= 0 && index < groups && ids[index].equals(id) ? index : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }
}
