package io.keel.transport.netty;

import static io.keel.transport.netty.NettyCluster.awaitLeader;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.GroupId;
import io.keel.raft.NodeId;
import io.keel.raft.message.AppendEntriesResponse;
import io.keel.raft.message.PreVote;
import io.keel.raft.runtime.RaftGroup;
import io.keel.transport.netty.wire.Frame;
import io.keel.transport.netty.wire.WireCodec;
import io.keel.transport.netty.wire.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running cluster under attack from raw sockets: garbage, oversized lengths, bad handshakes and
 * lies about the sender. Each connection is closed with a recorded reason, and the cluster keeps
 * committing throughout.
 */
class HostileInputTest {

  private static final GroupId GROUP = GroupId.of("kv");

  @TempDir Path dir;
  private NettyCluster cluster;
  private Map<NodeId, RaftGroup<String>> group;
  private NodeId target;

  @BeforeEach
  void start() {
    cluster = new NettyCluster(dir, 3);
    group = cluster.startEverywhere(GROUP, node -> new Recorder());
    target = awaitLeader(group.values()).node();
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private NettyTransport targetTransport() {
    return cluster.transports.get(target);
  }

  /** Sends {@code bytes} to the target and returns everything it answers before it closes. */
  private byte[] attack(byte[] bytes) throws IOException {
    InetSocketAddress address = cluster.addresses.get(target);
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(10_000);
      try {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
      } catch (IOException closedWhileWriting) {
        // the node may close before it has read everything: that is the point
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[4096];
      try {
        int read;
        while ((read = in.read(chunk)) != -1) {
          answer.write(chunk, 0, read);
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the node did not close the connection within 10 s", e);
      } catch (IOException reset) {
        // a reset is a close too
      }
      return answer.toByteArray();
    }
  }

  private static byte[] encode(Frame... frames) {
    ByteBuf buffer = Unpooled.buffer();
    for (Frame frame : frames) {
      WireCodec.encode(frame, buffer);
    }
    byte[] bytes = new byte[buffer.readableBytes()];
    buffer.readBytes(bytes);
    return bytes;
  }

  /** The reason of the REJECT frame at the start of {@code answer}. */
  private static String rejection(byte[] answer) throws Exception {
    ByteBuf buffer = Unpooled.wrappedBuffer(answer);
    int length = buffer.readInt();
    Frame frame = WireCodec.decode(buffer.readSlice(length));
    return assertInstanceOf(Frame.Reject.class, frame).reason();
  }

  private void assertStillServes() throws Exception {
    RaftGroup<String> leader = awaitLeader(group.values());
    for (int i = 0; i < 20; i++) {
      assertEquals("ok" + i, leader.propose(("ok" + i).getBytes(UTF_8)).get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void random_garbage_closes_the_connection_and_the_node_keeps_serving() throws Exception {
    Random random = new Random(42);
    long violationsBefore = targetTransport().stats().protocolViolations();
    int attacks = 40;
    for (int i = 0; i < attacks; i++) {
      byte[] garbage = new byte[1 + random.nextInt(3000)];
      random.nextBytes(garbage);
      attack(garbage);
    }
    // Every attack ends in a violation or a handshake timeout; most are violations at once.
    assertTrue(targetTransport().stats().protocolViolations() > violationsBefore);
    assertStillServes();
  }

  @Test
  void a_huge_length_field_is_refused_before_anything_is_buffered() throws Exception {
    long before = targetTransport().stats().protocolViolations();
    byte[] answer = attack(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0, 1, 4});
    assertEquals(0, answer.length, "a decoder violation closes without answering");
    await().atMost(Duration.ofSeconds(5)).until(() -> targetTransport().stats().protocolViolations() == before + 1);
    assertTrue(targetTransport().stats().lastRefusal().orElseThrow().contains("malformed frame"),
        targetTransport().stats().lastRefusal().toString());
    assertStillServes();
  }

  @Test
  void a_handshake_with_the_wrong_cluster_an_unknown_node_or_the_wrong_target_is_refused_without_a_reason() throws Exception {
    NodeId smallest = NodeId.of("a0"); // sorts before every n*, so it would be the dialer
    long before = targetTransport().stats().refusedConnections();
    assertRefusedSaying("belongs to cluster 'other-cluster', not '" + NettyCluster.CLUSTER + "'",
        new Frame.Hello("other-cluster", smallest, target));
    assertRefusedSaying("node a0 is not a configured peer of " + target,
        new Frame.Hello(NettyCluster.CLUSTER, smallest, target));
    NodeId other = cluster.nodes.stream().filter(n -> !n.equals(target)).findFirst().orElseThrow();
    assertRefusedSaying("wanted " + other + " but reached " + target,
        new Frame.Hello(NettyCluster.CLUSTER, smallest, other));
    assertEquals(before + 3, targetTransport().stats().refusedConnections());
    assertStillServes();
  }

  /**
   * Sends {@code hello}; the REJECT must tell the stranger nothing (not the cluster id, not a node
   * id), while the node's own record of the refusal holds {@code localReason}.
   */
  private void assertRefusedSaying(String localReason, Frame.Hello hello) throws Exception {
    String told = rejection(attack(encode(hello)));
    assertEquals(ConnectionHandler.REFUSED, told);
    for (NodeId node : cluster.nodes) {
      assertFalse(told.contains(node.value()), told);
    }
    assertFalse(told.contains(NettyCluster.CLUSTER), told);
    String recorded = targetTransport().stats().lastRefusal().orElseThrow();
    assertTrue(recorded.contains(localReason), recorded);
  }

  @Test
  void frames_before_the_handshake_or_messages_from_someone_else_close_the_connection() throws Exception {
    NodeId impostor = NodeId.of("n0"); // dials everyone, so it must be a configured peer to get in
    for (NodeId node : cluster.nodes) {
      cluster.transports.get(node).addPeer(impostor, new InetSocketAddress("127.0.0.1", 9));
    }
    PreVote vote = new PreVote(99, NodeId.of("n2"), 1, 1);
    String early = rejection(attack(encode(new Frame.MessageFrame(GROUP, vote))));
    assertEquals(ConnectionHandler.REFUSED, early, "a stranger is not told why");
    String recorded = targetTransport().stats().lastRefusal().orElseThrow();
    assertTrue(recorded.contains("unexpected MessageFrame while AWAIT_HELLO"), recorded);

    NodeId someoneElse = cluster.nodes.stream().filter(n -> !n.equals(target)).findFirst().orElseThrow();
    // Were it delivered, a response of term 99 would make the node adopt term 99.
    AppendEntriesResponse lie = AppendEntriesResponse.accepted(99, someoneElse, 0);
    byte[] answer = attack(encode(new Frame.Hello(NettyCluster.CLUSTER, impostor, target),
        new Frame.MessageFrame(GROUP, lie)));
    ByteBuf buffer = Unpooled.wrappedBuffer(answer);
    Frame ack = WireCodec.decode(buffer.readSlice(buffer.readInt()));
    assertInstanceOf(Frame.HelloAck.class, ack);
    Frame reject = WireCodec.decode(buffer.readSlice(buffer.readInt()));
    String reason = assertInstanceOf(Frame.Reject.class, reject).reason();
    assertTrue(reason.contains("claims to come from " + lie.from()), reason);
    assertTrue(group.get(target).status().term() < 99, "the forged message must never reach the node");
    assertStillServes();
  }

  @Test
  void a_malformed_install_snapshot_after_the_handshake_closes_the_connection_and_the_node_keeps_serving()
      throws Exception {
    NodeId impostor = NodeId.of("n0"); // dials everyone, so it must be a configured peer to get in
    for (NodeId node : cluster.nodes) {
      cluster.transports.get(node).addPeer(impostor, new InetSocketAddress("127.0.0.1", 9));
    }
    long before = targetTransport().stats().protocolViolations();
    byte[] hello = encode(new Frame.Hello(NettyCluster.CLUSTER, impostor, target));

    byte[] answer = attack(concat(hello, installSnapshotWithDuplicateMember(impostor)));

    ByteBuf buffer = Unpooled.wrappedBuffer(answer);
    assertInstanceOf(Frame.HelloAck.class, WireCodec.decode(buffer.readSlice(buffer.readInt())));
    assertFalse(buffer.isReadable(), "a decoder violation closes without answering");
    await().atMost(Duration.ofSeconds(5)).until(() -> targetTransport().stats().protocolViolations() == before + 1);
    String recorded = targetTransport().stats().lastRefusal().orElseThrow();
    assertTrue(recorded.contains("malformed frame: invalid InstallSnapshot configuration: member n1 after n1"),
        recorded);
    assertTrue(group.get(target).status().term() < 99, "the malformed message must never reach the node");
    assertStillServes();
  }

  /**
   * A whole MESSAGE frame, length prefix included, of an InstallSnapshot of term 99 from
   * {@code from} whose configuration names voter n1 twice: well-formed byte by byte up to the
   * configuration, which no codec wrote.
   */
  private static byte[] installSnapshotWithDuplicateMember(NodeId from) {
    ByteBuf body = Unpooled.buffer().writeByte(WireFormat.VERSION).writeByte(WireFormat.FRAME_MESSAGE);
    writeId(body, GROUP.value()).writeByte(WireFormat.MESSAGE_INSTALL_SNAPSHOT).writeLong(99);
    writeId(body, from.value()).writeByte(WireFormat.SNAPSHOT_META_VERSION).writeLong(10).writeLong(2);
    body.writeInt(13).writeByte(1).writeShort(2); // 13 bytes of configuration: version 1, two members
    for (int i = 0; i < 2; i++) {
      writeId(body.writeByte(1), "n1").writeByte(0); // voter n1, no address
    }
    body.writeLong(4).writeInt(0).writeLong(0).writeInt(4).writeInt(0xCAFE); // size, checksum, offset, data
    ByteBuf frame = Unpooled.buffer().writeInt(body.readableBytes()).writeBytes(body);
    byte[] bytes = new byte[frame.readableBytes()];
    frame.readBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  private static ByteBuf writeId(ByteBuf out, String id) {
    out.writeByte(id.length());
    out.writeCharSequence(id, UTF_8);
    return out;
  }
}
