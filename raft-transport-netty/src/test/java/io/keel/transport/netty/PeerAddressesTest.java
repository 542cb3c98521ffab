package io.keel.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Addresses from configurations are parsed strictly, and never looked up while parsed. */
class PeerAddressesTest {

  private static String refusal(String text) {
    return assertThrows(IllegalArgumentException.class, () -> PeerAddresses.parse(text), text).getMessage();
  }

  @Test
  void ip_addresses_become_resolved_addresses_and_names_unresolved_ones() {
    InetSocketAddress v4 = PeerAddresses.parse("10.1.2.3:7000");
    assertFalse(v4.isUnresolved());
    assertEquals("10.1.2.3", v4.getAddress().getHostAddress());
    assertEquals(7000, v4.getPort());
    InetSocketAddress v6 = PeerAddresses.parse("[2001:db8::1]:65535");
    assertFalse(v6.isUnresolved());
    assertEquals(65535, v6.getPort());
    assertTrue(PeerAddresses.same(v6, PeerAddresses.parse("[2001:0db8:0:0:0:0:0:1]:65535")));
    InetSocketAddress name = PeerAddresses.parse("node-4.example.com:1");
    assertTrue(name.isUnresolved(), "parsing looks nothing up");
    assertEquals("node-4.example.com", name.getHostString());
    assertTrue(PeerAddresses.parse("localhost:7000").isUnresolved());
  }

  @Test
  void addresses_are_the_same_when_host_and_port_are() {
    assertTrue(PeerAddresses.same(PeerAddresses.parse("127.0.0.1:7000"), new InetSocketAddress("127.0.0.1", 7000)));
    assertFalse(PeerAddresses.same(PeerAddresses.parse("127.0.0.1:7001"), new InetSocketAddress("127.0.0.1", 7000)));
    InetSocketAddress node4 = InetSocketAddress.createUnresolved("node4", 7000);
    assertTrue(PeerAddresses.same(PeerAddresses.parse("Node4:7000"), node4), "DNS names ignore case");
    assertFalse(PeerAddresses.same(PeerAddresses.parse("node4:7000"), PeerAddresses.parse("node5:7000")));
  }

  @Test
  void malformed_addresses_are_refused_saying_why() {
    assertEquals("no ':' and port after the host", refusal("node4"));
    assertEquals("an IPv6 address must be in brackets, as in [::1]:7000", refusal("::1:7000"));
    assertEquals("'[' opens an IPv6 address that no ']' closes", refusal("[::1:7000"));
    assertEquals("no ':' and port after the ']'", refusal("[::1]7000"));
    assertEquals("'fe80::1%eth0' between the brackets is not an IPv6 address", refusal("[fe80::1%eth0]:7000"));
    assertEquals("'10.0.0.1' between the brackets is not an IPv6 address", refusal("[10.0.0.1]:7000"));
    for (String port : new String[] {"0", "65536", "+80", "-1", "07000", "", "80 ", "1e3", "99999999999"}) {
      assertEquals("the port must be 1 to 65535 in decimal, got '" + port + "'", refusal("host:" + port));
    }
    assertEquals("'999.1.1.1' is neither an IPv4 address nor a host name", refusal("999.1.1.1:7000"));
    for (String host : new String[] {"-host", "host-", "a..b", "host.", "h\u00f6st", "a b", "a_b", "x".repeat(64)}) {
      assertTrue(refusal(host + ":7000").startsWith("'" + host + "' is not a host name"), host);
    }
    assertEquals("a host name has 1 to 253 characters, got 0", refusal(":7000"));
    assertEquals("a host name has 1 to 253 characters, got 254", refusal("a.".repeat(127) + ":7000"));
  }
}
