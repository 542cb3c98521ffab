package io.keel.transport.netty.tls;

import io.keel.raft.NodeId;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * Checks that a TLS peer's certificate names the {@link NodeId} the peer claims to be.
 *
 * <p>A certificate names a node through its subjectAltName {@code dNSName} entries, each compared
 * with the node id exactly (case-sensitively, no wildcards); only if it has no such entry does its
 * subject's most specific common name (CN) count instead. This replaces hostname verification,
 * which {@link TlsConfig} leaves off because nodes are identified by id rather than host name. The
 * check trusts the session's chain to have been verified against the configured CAs, which the
 * handshake with a {@link TlsConfig} context guarantees.
 */
public final class PeerIdentity {

  private static final int DNS_NAME = 2;

  private PeerIdentity() {}

  /**
   * Passes if the peer's leaf certificate in {@code session} names {@code expected}.
   *
   * @param session the session of a completed handshake, e.g. {@code sslHandler.engine()
   *     .getSession()}
   * @param expected the node the peer claims to be, or is meant to be
   * @throws PeerIdentityException if the peer presented no X.509 certificate or its certificate
   *     names other nodes only; the message names what it found and what was expected
   */
  public static void check(SSLSession session, NodeId expected) throws PeerIdentityException {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(expected, "expected");
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new PeerIdentityException("TLS peer expected to be node " + expected
          + " presented no verified certificate", e);
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw new PeerIdentityException("TLS peer expected to be node " + expected
          + " presented no X.509 certificate");
    }
    List<String> names = namesOf(leaf);
    if (!names.contains(expected.value())) {
      throw new PeerIdentityException("TLS peer's certificate (subject "
          + leaf.getSubjectX500Principal() + ") names " + (names.isEmpty() ? "no node" : names)
          + ", not the expected node " + expected);
    }
  }

  /**
   * The node name a certificate presents, for logging: its first subjectAltName {@code dNSName},
   * or, without one, its subject's most specific CN; empty if it has neither.
   */
  public static Optional<String> nodeNameOf(X509Certificate certificate) {
    return namesOf(certificate).stream().findFirst();
  }

  /** Every name {@link #check} compares with the expected node id, in certificate order. */
  static List<String> namesOf(X509Certificate certificate) {
    List<String> dnsNames = dnsNamesOf(certificate);
    if (!dnsNames.isEmpty()) {
      return dnsNames;
    }
    return commonNameOf(certificate.getSubjectX500Principal()).map(List::of).orElse(List.of());
  }

  private static List<String> dnsNamesOf(X509Certificate certificate) {
    Collection<List<?>> entries;
    try {
      entries = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    if (entries != null) {
      for (List<?> entry : entries) {
        if (entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0))
            && entry.get(1) instanceof String name) {
          names.add(name);
        }
      }
    }
    return names;
  }

  private static Optional<String> commonNameOf(X500Principal subject) {
    List<Rdn> rdns;
    try {
      rdns = new LdapName(subject.getName(X500Principal.RFC2253)).getRdns();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    // getRdns() lists the most significant RDN first, so the most specific CN is the last one.
    for (int i = rdns.size() - 1; i >= 0; i--) {
      Attribute cn = rdns.get(i).toAttributes().get("CN");
      try {
        if (cn != null && cn.get() instanceof String value) {
          return Optional.of(value);
        }
      } catch (NamingException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
