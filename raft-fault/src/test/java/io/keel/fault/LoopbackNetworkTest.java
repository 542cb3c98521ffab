package io.keel.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The loopback network: distinct free ports below the ephemeral range, and no link faults. */
class LoopbackNetworkTest {

  private static final int NODES = 5;
  private static final int EPHEMERAL_PORT_MIN = 32_768;

  @Test
  void whenOnFreePorts_thenEveryAddressIsDistinctFreeAndBelowTheEphemeralRange() {
    try (LoopbackNetwork network = LoopbackNetwork.onFreePorts(NODES)) {
      assertEquals(NODES, network.size());
      Set<InetSocketAddress> addresses = new HashSet<>();
      for (int node = 0; node < NODES; node++) {
        assertEquals(network.raftListen(node), network.raftAddress(node), "peers dial where the node binds");
        for (InetSocketAddress address : List.of(network.raftListen(node), network.respAddress(node))) {
          assertEquals("127.0.0.1", address.getAddress().getHostAddress());
          assertTrue(address.getPort() >= LoopbackNetwork.BASE_PORT_MIN && address.getPort() < EPHEMERAL_PORT_MIN,
              address.toString());
          assertTrue(LoopbackNetwork.free(address), address + " is free");
          assertTrue(addresses.add(address), address + " is used once");
        }
      }
      assertEquals(2 * NODES, addresses.size());
    }
  }

  @Test
  void whenBuiltOnABasePort_thenRaftAndRespPortsFollowIt() {
    LoopbackNetwork network = new LoopbackNetwork(3, 25_000);
    assertEquals(25_000, network.basePort());
    assertEquals(25_002, network.raftListen(2).getPort());
    assertEquals(25_102, network.respAddress(2).getPort());
    assertThrows(IndexOutOfBoundsException.class, () -> network.raftAddress(3));
    assertThrows(IllegalArgumentException.class, () -> new LoopbackNetwork(0, 25_000));
    assertThrows(IllegalArgumentException.class, () -> new LoopbackNetwork(3, 65_500));
  }

  @Test
  void whenOnLoopback_thenLinkFaultsAreUnsupported_andHealAndCloseDoNothing() {
    LoopbackNetwork network = new LoopbackNetwork(NODES, 25_000);
    assertFalse(network.linkFaults());
    assertEquals("5 nodes on loopback (no network namespaces: process faults only)", network.describe());
    assertEquals(List.of("java", "-version"), network.wrap(1, List.of("java", "-version")));
    assertThrows(UnsupportedOperationException.class, () -> network.cut(0, 1));
    assertThrows(UnsupportedOperationException.class, () -> network.loss(0, 1, 10));
    assertThrows(UnsupportedOperationException.class, () -> network.delay(0, 1, Duration.ofMillis(10)));
    network.heal();
    network.close();
    network.close();
  }
}
