package io.keel.transport.netty.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager that presents its certificate even when the server asks for one from
 * other CAs, as an attacker would; the JDK's own key manager would send an empty chain instead.
 */
final class PresentAnywayKeyManager extends X509ExtendedKeyManager {

  private static final String ALIAS = "node";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  private PresentAnywayKeyManager(PrivateKey key, X509Certificate[] chain) {
    this.key = key;
    this.chain = chain;
  }

  /** A TLS 1.3 client context that presents {@code files}' certificate whatever it is asked. */
  static SslContext clientContext(TestCertificates.PemSet files) throws SSLException {
    List<X509Certificate> chain = PemFiles.certificates("chain", files.certificateChain());
    PrivateKey key = PemFiles.privateKey("key", files.privateKey());
    return SslContextBuilder.forClient()
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3")
        .keyManager(new PresentAnywayKeyManager(key, chain.toArray(X509Certificate[]::new)))
        .trustManager(PemFiles.certificates("trusted", files.trustedCertificates()))
        .endpointIdentificationAlgorithm(null)
        .build();
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return chooseClientAlias(keyTypes, issuers, null);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return Arrays.asList(keyTypes).contains(key.getAlgorithm()) ? ALIAS : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
