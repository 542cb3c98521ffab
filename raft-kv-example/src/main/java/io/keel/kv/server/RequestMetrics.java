package io.keel.kv.server;

/** Hears every client request the node answers, for metrics; must be cheap and thread-safe. */
@FunctionalInterface
public interface RequestMetrics {

  /**
   * A request was answered.
   *
   * @param port {@code resp} or {@code http}
   * @param command the command's name, lower case ({@code get}, {@code set}, ...; {@code unknown} for others)
   * @param outcome {@code ok}, or the error's code in lower case ({@code err}, {@code moved}, ...)
   * @param nanos from the request's arrival to its answer
   */
  void answered(String port, String command, String outcome, long nanos);
}
