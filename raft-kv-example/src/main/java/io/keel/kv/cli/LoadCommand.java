package io.keel.kv.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keel-kv load}: fills a cluster with keys of random, incompressible values, or checks that
 * it holds them; for benchmarks and for trying a state larger than memory.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Write keys with random values through one node, or check them (--check).")
public final class LoadCommand implements Callable<Integer> {

  @Option(names = "--host", description = "The node's RESP host (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(names = {"-p", "--port"}, description = "The node's RESP port (default: ${DEFAULT-VALUE}).")
  int port = 7379;

  @Option(names = "--keys", description = "How many keys (default: ${DEFAULT-VALUE}).")
  long keys = 100_000;

  @Option(names = "--from", description = "The first key's number (default: ${DEFAULT-VALUE}).")
  long from = 0;

  @Option(names = "--value-bytes", description = "Each value's length (default: ${DEFAULT-VALUE}).")
  int valueBytes = 1024;

  @Option(names = "--prefix", description = "The keys' prefix (default: ${DEFAULT-VALUE}).")
  String prefix = "load:";

  @Option(names = "--seed", description = "The seed of the values (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--pipeline", description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
  int pipeline = 64;

  @Option(names = "--check", description = "Read the keys back and check their values instead of writing them.")
  boolean check;

  @Override
  public Integer call() throws Exception {
    if (keys < 0 || from < 0 || valueBytes < 1 || valueBytes > (64 << 20) || pipeline < 1 || pipeline > 100_000) {
      System.err.println("--keys and --from must not be negative, --value-bytes must be 1 to 67108864, "
          + "--pipeline 1 to 100000");
      return 2;
    }
    Loader loader = new Loader(new InetSocketAddress(host, port), prefix, valueBytes, seed, pipeline);
    try {
      Loader.Outcome outcome = check ? loader.check(from, from + keys) : loader.load(from, from + keys);
      System.out.println(String.format(Locale.ROOT, "%s %,d keys (%,d value bytes) in %.1f s: %,.0f keys/s, %.1f MB/s",
          check ? "checked" : "wrote", outcome.keys(), outcome.bytes(), outcome.elapsed().toMillis() / 1000.0,
          outcome.keysPerSecond(), outcome.megabytesPerSecond()));
      return 0;
    } catch (IOException e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }
}
