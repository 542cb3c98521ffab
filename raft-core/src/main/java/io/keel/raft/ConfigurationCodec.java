package io.keel.raft;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one binary form of a {@link Configuration}, used alike by configuration entries in the log
 * (on disk and on the wire) and by snapshots:
 *
 * <pre>
 *   u8 version (1) | u16 memberCount | memberCount times:
 *     u8 roles (1 voter, 2 outgoing voter, 4 learner; voter and learner never together)
 *     u8 idLength | id (ASCII, a valid {@link NodeId}) | u8 addressLength | address (UTF-8; 0: none)
 * </pre>
 *
 * Members are written in id order. Decoding trusts nothing: every length, role, id and address is
 * checked, members must come in increasing id order (so none twice), and no byte may follow.
 */
public final class ConfigurationCodec {

  /** The version byte this codec writes and reads. */
  public static final int VERSION = 1;

  /**
   * The most bytes any configuration takes: {@link Configuration#MAX_MEMBERS} members, each with
   * the longest id and address. A bound for frame and buffer sizes.
   */
  public static final int MAX_ENCODED_BYTES = 3 + Configuration.MAX_MEMBERS
      * (3 + NodeId.MAX_LENGTH + Configuration.MAX_ADDRESS_BYTES);

  static final int VOTER = 1;
  static final int OUTGOING_VOTER = 2;
  static final int LEARNER = 4;

  private ConfigurationCodec() {}

  /** The bytes of {@code configuration}. */
  public static byte[] encode(Configuration configuration) {
    Map<NodeId, Integer> roles = configuration.roleFlags();
    int size = 3;
    for (NodeId member : roles.keySet()) {
      size += 3 + member.value().length() + configuration.address(member).map(ConfigurationCodec::utf8Length).orElse(0);
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put((byte) VERSION).putShort((short) roles.size());
    roles.forEach((member, flags) -> {
      out.put((byte) (int) flags);
      out.put((byte) member.value().length()).put(member.value().getBytes(StandardCharsets.US_ASCII));
      byte[] address = configuration.address(member).map(text -> text.getBytes(StandardCharsets.UTF_8))
          .orElse(new byte[0]);
      out.put((byte) address.length).put(address);
    });
    return out.array();
  }

  /**
   * Decodes {@code bytes}.
   *
   * @throws IllegalArgumentException naming what is wrong, if the bytes are not a configuration
   *     this codec wrote
   */
  public static Configuration decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      int version = in.get() & 0xFF;
      if (version != VERSION) {
        throw new IllegalArgumentException("configuration version " + version + ", expected " + VERSION);
      }
      int count = in.getShort() & 0xFFFF;
      if (count > Configuration.MAX_MEMBERS) {
        throw new IllegalArgumentException(count + " members, more than " + Configuration.MAX_MEMBERS);
      }
      TreeSet<NodeId> voters = new TreeSet<>();
      TreeSet<NodeId> outgoing = new TreeSet<>();
      TreeSet<NodeId> learners = new TreeSet<>();
      TreeMap<NodeId, String> addresses = new TreeMap<>();
      NodeId previous = null;
      for (int i = 0; i < count; i++) {
        int roles = in.get() & 0xFF;
        NodeId member = NodeId.of(new String(read(in, "id"), StandardCharsets.US_ASCII));
        if (previous != null && previous.compareTo(member) >= 0) {
          throw new IllegalArgumentException("member " + member + " after " + previous + ": members come once each, "
              + "in id order");
        }
        previous = member;
        addRoles(member, roles, voters, outgoing, learners);
        byte[] address = read(in, "address of " + member);
        if (address.length > 0) {
          addresses.put(member, utf8(address, member));
        }
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the last member");
      }
      return new Configuration(voters, outgoing, learners, addresses);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("a configuration cut short at byte " + in.position() + " of " + bytes.length);
    }
  }

  private static void addRoles(NodeId member, int roles, TreeSet<NodeId> voters, TreeSet<NodeId> outgoing,
      TreeSet<NodeId> learners) {
    if (roles == 0 || (roles & ~(VOTER | OUTGOING_VOTER | LEARNER)) != 0 || (roles & (VOTER | LEARNER)) == (VOTER
        | LEARNER)) {
      throw new IllegalArgumentException("member " + member + " has impossible roles " + roles);
    }
    if ((roles & VOTER) != 0) {
      voters.add(member);
    }
    if ((roles & OUTGOING_VOTER) != 0) {
      outgoing.add(member);
    }
    if ((roles & LEARNER) != 0) {
      learners.add(member);
    }
  }

  private static byte[] read(ByteBuffer in, String what) {
    byte[] bytes = new byte[in.get() & 0xFF];
    if (bytes.length > in.remaining()) {
      throw new IllegalArgumentException("the " + what + " claims " + bytes.length + " bytes, " + in.remaining()
          + " remain");
    }
    in.get(bytes);
    return bytes;
  }

  private static String utf8(byte[] bytes, NodeId member) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the address of " + member + " is not UTF-8");
    }
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
