package io.keel.kv.server;

import java.net.InetSocketAddress;
import java.util.Optional;

/** The {@code host:port} form in which nodes announce their client addresses. */
public final class Addresses {

  private Addresses() {}

  /** {@code address} as {@code host:port} (IPv6 hosts in brackets). */
  public static String format(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** The address {@code text} names, or empty if it is empty or malformed. */
  public static Optional<InetSocketAddress> parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return port < 1 || port > 65_535 ? Optional.empty() : Optional.of(new InetSocketAddress(host, port));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
