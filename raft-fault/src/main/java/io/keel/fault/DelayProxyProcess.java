package io.keel.fault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A {@link DelayProxy} running as a child process (in a node's namespace), driven through its
 * standard input: each command waits for the proxy's answer line. Closing its standard input ends
 * it; {@link #close()} does that, then kills it if it lingers.
 */
final class DelayProxyProcess implements AutoCloseable {

  /** The options of the proxy's JVM: small, quick to start, with room for a few connections' held-back bytes. */
  private static final List<String> JAVA_OPTIONS = List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1");
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);

  /** Put in the answer queue when the proxy's standard output ends. */
  private static final String ENDED = new String("(the proxy's output ended)");

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final String name;

  private DelayProxyProcess(Process process, String name) {
    this.process = process;
    this.name = name;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readAnswers, "delay-proxy-answers " + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a proxy from {@code listen} to {@code target}, its command line passed through
   * {@code wrap} (to run it in a namespace); its standard error goes to this process's. Call
   * {@link #awaitListening(Duration)} before sending commands.
   */
  static DelayProxyProcess start(InetSocketAddress listen, InetSocketAddress target, UnaryOperator<List<String>> wrap,
      String name) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JAVA_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), DelayProxy.class.getName(),
        hostAndPort(listen), hostAndPort(target)));
    Process process = new ProcessBuilder(wrap.apply(command)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new DelayProxyProcess(process, name);
  }

  static String hostAndPort(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /**
   * Waits for the proxy's first line, {@code listening <host:port>}, and returns that address;
   * throws if it says anything else or nothing in time.
   */
  InetSocketAddress awaitListening(Duration timeout) throws IOException {
    String line = next(timeout);
    if (!line.startsWith("listening ")) {
      throw new IOException(name + " did not start: " + line);
    }
    return DelayProxy.socketAddress(line.substring("listening ".length()));
  }

  /** Sends one command line and waits for the proxy's {@code ok}; throws with its answer otherwise. */
  synchronized void send(String command) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
    String answer = next(ANSWER_TIMEOUT);
    if (!answer.equals("ok")) {
      throw new IOException(name + " refused '" + command + "': " + answer);
    }
  }

  private String next(Duration timeout) throws IOException {
    try {
      String line = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new IOException(name + " did not answer within " + timeout);
      }
      if (line == ENDED) {
        answers.add(ENDED);
        throw new IOException(name + " ended" + (process.isAlive() ? "" : " with exit code " + process.exitValue()));
      }
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + name, e);
    }
  }

  private void readAnswers() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        answers.add(line);
      }
    } catch (IOException e) {
      // The process is gone; ENDED below tells whoever waits.
    } finally {
      answers.add(ENDED);
    }
  }

  /** Ends the proxy: closes its standard input, then kills it if it has not exited within a few seconds. */
  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // Already closed or the process is gone: either way it is ending.
    }
    try {
      if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
