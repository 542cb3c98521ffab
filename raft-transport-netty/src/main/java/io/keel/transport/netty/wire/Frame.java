package io.keel.transport.netty.wire;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.Message;
import java.util.Objects;

/**
 * One frame of the {@link WireFormat}: the handshake, a refusal, or a Raft message for a group.
 * Each record validates its values, so any frame built can be encoded.
 */
public sealed interface Frame {

  /**
   * The dialer's greeting, the first frame of every connection.
   *
   * @param clusterId the cluster the dialer belongs to, a short string
   * @param from the dialing node
   * @param to the node the dialer believes it has reached
   */
  record Hello(String clusterId, NodeId from, NodeId to) implements Frame {

    /** Validates the greeting. */
    public Hello {
      Identifiers.requireShortString("cluster id", clusterId);
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * The acceptor's answer to a {@link Hello} it accepts.
   *
   * @param clusterId the acceptor's cluster, a short string
   * @param node the acceptor
   */
  record HelloAck(String clusterId, NodeId node) implements Frame {

    /** Validates the answer. */
    public HelloAck {
      Identifiers.requireShortString("cluster id", clusterId);
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * A refusal, sent just before closing the connection. The reason comes from the peer: treat it as
   * untrusted text when logging it.
   *
   * @param reason why, at most {@link WireFormat#MAX_REASON_BYTES} bytes of UTF-8
   */
  record Reject(String reason) implements Frame {

    /** Requires a well-formed reason (no unpaired surrogates) that fits the wire. */
    public Reject {
      Objects.requireNonNull(reason, "reason");
      int bytes = Utf8.encodedBytes(reason);
      if (bytes < 0) {
        throw new IllegalArgumentException("reason holds an unpaired surrogate");
      }
      if (bytes > WireFormat.MAX_REASON_BYTES) {
        throw new IllegalArgumentException(
            "reason takes " + bytes + " UTF-8 bytes, more than " + WireFormat.MAX_REASON_BYTES);
      }
    }

    /** A refusal with the longest prefix of {@code text} that fits, unpaired surrogates as '?'. */
    public static Reject fitting(String text) {
      return new Reject(Utf8.fitting(text, WireFormat.MAX_REASON_BYTES));
    }
  }

  /**
   * A sign of life on a connection with nothing else to send: the receiver only notes that bytes
   * arrived. Sent only after the handshake.
   */
  record Ping() implements Frame {
    /** The one PING there is to send. */
    public static final Ping INSTANCE = new Ping();
  }

  /**
   * A Raft message for one group.
   *
   * @param group the group the message belongs to
   * @param message the message
   */
  record MessageFrame(GroupId group, Message message) implements Frame {

    /** Requires both values. */
    public MessageFrame {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(message, "message");
    }
  }
}
