package io.keel.transport.netty.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * A node's mutual-TLS material, read and validated from PEM files when built, and the Netty
 * contexts made from it: both sides present the node's certificate and trust only the configured
 * CAs.
 *
 * <p>Hostname verification is deliberately off: peers are identified by node id, which a
 * transport checks with {@link PeerIdentity#check} once the handshake has succeeded. Contexts use
 * the JDK's TLS implementation ({@link SslProvider#JDK}) and are built once, here, so that any
 * problem surfaces at configuration time rather than on the first connection.
 */
public final class TlsConfig {

  /** The protocols used unless others are given, in order of preference. */
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final Path certificateChainFile;
  private final List<X509Certificate> certificateChain;
  private final List<String> protocols;
  private final SslContext serverContext;
  private final SslContext clientContext;

  private TlsConfig(Path certificateChainFile, List<X509Certificate> certificateChain,
      PrivateKey key, List<X509Certificate> trusted, List<String> protocols) {
    this.certificateChainFile = certificateChainFile;
    this.certificateChain = certificateChain;
    this.protocols = protocols;
    X509Certificate[] chain = certificateChain.toArray(X509Certificate[]::new);
    X509Certificate[] anchors = trusted.toArray(X509Certificate[]::new);
    this.serverContext = build(SslContextBuilder.forServer(key, chain)
        .trustManager(anchors)
        .clientAuth(ClientAuth.REQUIRE));
    this.clientContext = build(SslContextBuilder.forClient()
        .keyManager(key, chain)
        .trustManager(anchors));
  }

  /**
   * Reads and validates the three PEM files, using {@link #DEFAULT_PROTOCOLS}.
   *
   * @param certificateChain the node's certificate, then any intermediates
   * @param privateKey the node's unencrypted PKCS#8 key ({@code -----BEGIN PRIVATE KEY-----})
   * @param trustedCertificates the CA certificates a peer's chain must lead to
   * @throws IllegalArgumentException naming the file and the problem if any file is missing,
   *     unreadable or invalid, or if the key is not the certificate's
   */
  public static TlsConfig fromPem(Path certificateChain, Path privateKey,
      Path trustedCertificates) {
    return fromPem(certificateChain, privateKey, trustedCertificates, DEFAULT_PROTOCOLS);
  }

  /**
   * Like {@link #fromPem(Path, Path, Path)}, limited to the given protocols.
   *
   * @param protocols a non-empty subset of {@link #DEFAULT_PROTOCOLS}
   */
  public static TlsConfig fromPem(Path certificateChain, Path privateKey,
      Path trustedCertificates, List<String> protocols) {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(trustedCertificates, "trustedCertificates");
    List<String> chosen = checkProtocols(protocols);
    List<X509Certificate> chain = PemFiles.certificates("certificateChain", certificateChain);
    PrivateKey key = PemFiles.privateKey("privateKey", privateKey);
    if (!PemFiles.matches(key, chain.get(0))) {
      throw PemFiles.invalid("privateKey", privateKey, "does not belong to the first certificate "
          + "(" + chain.get(0).getSubjectX500Principal() + ") of certificateChain "
          + certificateChain);
    }
    List<X509Certificate> trusted =
        PemFiles.certificates("trustedCertificates", trustedCertificates);
    return new TlsConfig(certificateChain, chain, key, trusted, chosen);
  }

  /** A server-side context that requires, and verifies, a client certificate. */
  public SslContext serverContext() {
    return serverContext;
  }

  /** A client-side context that presents this node's certificate and trusts only the CAs. */
  public SslContext clientContext() {
    return clientContext;
  }

  /** This node's own (leaf) certificate, the first of its chain. */
  public X509Certificate certificate() {
    return certificateChain.get(0);
  }

  /** The enabled protocols, in order of preference. */
  public List<String> protocols() {
    return protocols;
  }

  @Override
  public String toString() {
    return "TlsConfig[certificateChain=" + certificateChainFile + ", subject="
        + certificate().getSubjectX500Principal() + ", protocols=" + protocols + "]";
  }

  private SslContext build(SslContextBuilder builder) {
    try {
      return builder
          .sslProvider(SslProvider.JDK)
          .protocols(protocols)
          .endpointIdentificationAlgorithm(null)
          .build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("certificateChain " + certificateChainFile
          + ": cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  private static List<String> checkProtocols(List<String> protocols) {
    List<String> chosen = List.copyOf(Objects.requireNonNull(protocols, "protocols"));
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException("protocols: at least one is needed");
    }
    for (String protocol : chosen) {
      if (!DEFAULT_PROTOCOLS.contains(protocol)) {
        throw new IllegalArgumentException("protocols: '" + protocol
            + "' is not supported; choose from " + DEFAULT_PROTOCOLS);
      }
    }
    return chosen;
  }
}
