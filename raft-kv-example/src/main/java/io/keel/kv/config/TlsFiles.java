package io.keel.kv.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The PEM files of mutual TLS between nodes (keys {@code tls-certificate}, {@code tls-private-key}
 * and {@code tls-trusted-certificates}), which come all three together.
 *
 * @param certificate this node's certificate chain
 * @param privateKey this node's private key
 * @param trustedCertificates the certificates a peer's certificate must chain to
 */
public record TlsFiles(Path certificate, Path privateKey, Path trustedCertificates) {

  /** Requires all three paths; {@link KvConfig} checks that they are readable files. */
  public TlsFiles {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(trustedCertificates, "trustedCertificates");
  }
}
