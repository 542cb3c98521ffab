package io.keel.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP echo server for the network tests, run as a process in a node's namespace:
 * {@code NetworkEchoServer <host:port>...} listens on every address given, prints {@code ready}
 * once all are bound, sends back every byte it receives, and exits when its standard input closes.
 */
public final class NetworkEchoServer {

  private NetworkEchoServer() {}

  /** Runs the server on the {@code host:port} addresses in {@code args}. */
  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    for (String address : args) {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(DelayProxy.socketAddress(address));
      daemon(() -> accept(server)).start();
    }
    out.println("ready");
    while (System.in.read() >= 0) {
      // Only the end of standard input matters.
    }
    System.exit(0);
  }

  private static Thread daemon(Runnable body) {
    Thread thread = new Thread(body);
    thread.setDaemon(true);
    return thread;
  }

  private static void accept(ServerSocket server) {
    while (true) {
      try {
        Socket connection = server.accept();
        daemon(() -> echo(connection)).start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Sends back everything {@code connection} receives until it ends; in-process tests use it too. */
  static void echo(Socket connection) {
    try (connection) {
      connection.setTcpNoDelay(true);
      InputStream in = connection.getInputStream();
      OutputStream out = connection.getOutputStream();
      byte[] buffer = new byte[64 << 10];
      for (int count = in.read(buffer); count >= 0; count = in.read(buffer)) {
        out.write(buffer, 0, count);
      }
    } catch (IOException e) {
      // The peer went away: nothing to echo to.
    }
  }
}
