package io.keel.fault;

/** Chooses the test's {@link Network}: namespaces when this host allows them, loopback otherwise. */
public final class Networks {

  private Networks() {}

  /**
   * A {@link NamespaceNetwork} of {@code nodes} nodes for run {@code runId} when it can be made
   * here, else a {@link LoopbackNetwork} on free ports. Prints nothing: the caller prints
   * {@link Network#describe()}.
   */
  public static Network create(int nodes, String runId) {
    return NamespaceNetwork.tryCreate(nodes, runId).<Network>map(network -> network)
        .orElseGet(() -> LoopbackNetwork.onFreePorts(nodes));
  }
}
