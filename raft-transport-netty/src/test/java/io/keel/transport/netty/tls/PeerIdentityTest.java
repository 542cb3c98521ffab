package io.keel.transport.netty.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names {@link PeerIdentity} reads from certificates, and a session without a peer. */
class PeerIdentityTest {

  @TempDir static Path pkiDir;
  private static TestCertificates pki;

  @BeforeAll
  static void createCertificates() {
    pki = TestCertificates.create(pkiDir, "node-1.a");
  }

  @Test
  void aNodeCertificateIsNamedByItsSubjectAltName() {
    var certificate = pki.forNode("node-1.a").certificate();

    assertEquals(Optional.of("node-1.a"), PeerIdentity.nodeNameOf(certificate));
    assertEquals(List.of("node-1.a"), PeerIdentity.namesOf(certificate));
  }

  @Test
  void theSubjectAltNameWinsOverTheCommonName() {
    var certificate = pki.impostor("n2", "n3").certificate();

    assertEquals("CN=n2", certificate.getSubjectX500Principal().getName());
    assertEquals(List.of("n3"), PeerIdentity.namesOf(certificate));
  }

  @Test
  void withoutASubjectAltNameTheCommonNameCounts() {
    var certificate = pki.commonNameOnly("node_4").certificate();

    assertEquals(Optional.of("node_4"), PeerIdentity.nodeNameOf(certificate));
  }

  @Test
  void aCaCertificateNamesItsCommonName() throws Exception {
    var ca = PemFiles.certificates("ca", pki.caCertificate()).get(0);

    assertEquals(Optional.of("Keel test ca"), PeerIdentity.nodeNameOf(ca));
  }

  @Test
  void aSessionWithoutAPeerCertificateFailsTheCheck() throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine();

    PeerIdentityException e = assertThrows(PeerIdentityException.class,
        () -> PeerIdentity.check(engine.getSession(), NodeId.of("n1")));
    assertTrue(e.getMessage().contains("expected to be node n1 presented no verified certificate"),
        e.getMessage());
  }
}
