package io.keel.transport.netty;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Peer addresses as a group's configuration carries them ({@link io.keel.raft.Configuration#addresses()}):
 * {@code host:port}, with an IPv6 host in brackets ({@code [::1]:7000}). Parsing is strict, since
 * the text comes from whoever proposed the configuration: the host is an IPv4 address, an IPv6
 * address in brackets (no zone), or a DNS name of letters, digits and hyphens in dot-separated
 * labels; the port is 1 to 65535 in decimal, with no sign and no leading zero.
 *
 * <p>Parsing never looks a name up: an IP address becomes a resolved {@link InetSocketAddress}, a
 * name an unresolved one, which Netty resolves on an I/O thread when it dials.
 */
final class PeerAddresses {

  private static final int MAX_NAME_CHARS = 253;
  private static final int MAX_LABEL_CHARS = 63;
  private static final int MAX_PORT = 65535;

  private PeerAddresses() {}

  /**
   * The address {@code text} stands for.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  static InetSocketAddress parse(String text) {
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'[' opens an IPv6 address that no ']' closes");
      }
      String host = text.substring(1, close);
      if (!isIpV6Literal(host)) {
        throw new IllegalArgumentException("'" + host + "' between the brackets is not an IPv6 address");
      }
      if (close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("no ':' and port after the ']'");
      }
      return new InetSocketAddress(literal(host), port(text.substring(close + 2)));
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("no ':' and port after the host");
    }
    String host = text.substring(0, colon);
    if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("an IPv6 address must be in brackets, as in [::1]:7000");
    }
    int port = port(text.substring(colon + 1));
    if (NetUtil.isValidIpV4Address(host)) {
      return new InetSocketAddress(literal(host), port);
    }
    checkName(host);
    return InetSocketAddress.createUnresolved(host, port);
  }

  /**
   * Whether {@code a} and {@code b} name the same place: the same port, and the same IP address or,
   * where either is an unresolved name, the same host text (DNS names ignore case).
   */
  static boolean same(InetSocketAddress a, InetSocketAddress b) {
    if (a.getPort() != b.getPort()) {
      return false;
    }
    if (!a.isUnresolved() && !b.isUnresolved()) {
      return a.getAddress().equals(b.getAddress());
    }
    return a.getHostString().equalsIgnoreCase(b.getHostString());
  }

  private static boolean isIpV6Literal(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean allowed = c == ':' || c == '.' || (c < 128 && Character.digit(c, 16) >= 0);
      if (!allowed) {
        return false; // no zone ("%eth0"), no nested brackets, nothing but hex digits, ':' and '.'
      }
    }
    return NetUtil.isValidIpV6Address(host);
  }

  private static InetAddress literal(String host) {
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
    if (address == null) {
      throw new IllegalArgumentException("'" + host + "' is not an IP address");
    }
    return address;
  }

  private static int port(String text) {
    boolean digits = !text.isEmpty() && text.length() <= 5 && text.charAt(0) != '0';
    for (int i = 0; digits && i < text.length(); i++) {
      digits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
    }
    int port = digits ? Integer.parseInt(text) : -1;
    if (port < 1 || port > MAX_PORT) {
      throw new IllegalArgumentException("the port must be 1 to " + MAX_PORT + " in decimal, got '" + text + "'");
    }
    return port;
  }

  private static void checkName(String host) {
    if (host.isEmpty() || host.length() > MAX_NAME_CHARS) {
      throw new IllegalArgumentException("a host name has 1 to " + MAX_NAME_CHARS + " characters, got "
          + host.length());
    }
    boolean numeric = true;
    for (String label : host.split("\\.", -1)) {
      checkLabel(host, label);
      numeric &= label.chars().allMatch(c -> c >= '0' && c <= '9');
    }
    if (numeric) {
      throw new IllegalArgumentException("'" + host + "' is neither an IPv4 address nor a host name");
    }
  }

  private static void checkLabel(String host, String label) {
    boolean valid = !label.isEmpty() && label.length() <= MAX_LABEL_CHARS && label.charAt(0) != '-'
        && label.charAt(label.length() - 1) != '-';
    for (int i = 0; valid && i < label.length(); i++) {
      char c = label.charAt(i);
      valid = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
    }
    if (!valid) {
      throw new IllegalArgumentException("'" + host + "' is not a host name: each dot-separated label has 1 to "
          + MAX_LABEL_CHARS + " letters, digits or inner hyphens");
    }
  }
}
