package io.keel.transport.netty;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.keel.raft.NodeId;
import io.keel.transport.netty.wire.Frame;
import io.keel.transport.netty.wire.WireCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain socket that speaks Keel's wire format by hand, for tests that play a forged or broken
 * peer: it says what it likes and reads what comes back, frame by frame.
 */
final class RawConnection implements AutoCloseable {

  /** How long any read waits before the test fails. */
  private static final int READ_TIMEOUT_MILLIS = 10_000;
  /** The most frames {@link #awaitClosed} reads before it gives up: the node must close first. */
  private static final int MAX_FRAMES_BEFORE_CLOSE = 100_000;

  private final Socket socket;
  private final DataInputStream in;

  private RawConnection(InetSocketAddress address) throws IOException {
    socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    in = new DataInputStream(socket.getInputStream());
  }

  /** Connects to {@code address}. */
  static RawConnection open(InetSocketAddress address) throws IOException {
    return new RawConnection(address);
  }

  /**
   * Connects to node {@code to} at {@code address}, says HELLO in {@code claimed}'s name, and
   * returns the connection once the node has answered HELLO_ACK.
   */
  static RawConnection helloAs(NodeId claimed, NodeId to, InetSocketAddress address) throws Exception {
    RawConnection connection = open(address);
    connection.send(new Frame.Hello(NettyCluster.CLUSTER, claimed, to));
    assertInstanceOf(Frame.HelloAck.class, connection.read(), "the node accepted the HELLO");
    return connection;
  }

  /** Writes {@code frames} at once. */
  void send(Frame... frames) throws IOException {
    ByteBuf buffer = Unpooled.buffer();
    for (Frame frame : frames) {
      WireCodec.encode(frame, buffer);
    }
    byte[] bytes = new byte[buffer.readableBytes()];
    buffer.readBytes(bytes);
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Reads the next frame; fails the test if none comes within 10 s. */
  Frame read() throws Exception {
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    return WireCodec.decode(Unpooled.wrappedBuffer(body));
  }

  /**
   * Reads frames until the node closes the connection, and returns them; fails the test if the
   * node does not close it within 10 s of its last frame.
   */
  List<Frame> awaitClosed() throws Exception {
    List<Frame> frames = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_FRAMES_BEFORE_CLOSE; i++) {
        frames.add(read());
      }
    } catch (EOFException | java.net.SocketException closed) {
      return frames; // an orderly close or a reset: closed either way
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the node kept the connection open; it sent " + frames.size() + " frames", e);
    }
    throw new AssertionError("the node sent " + MAX_FRAMES_BEFORE_CLOSE + " frames without closing");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
