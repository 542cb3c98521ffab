package io.keel.transport.netty.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS connections over loopback: the server is node n1 and expects its client to be n2, the
 * client expects the server to be n1; the certificates come from a {@link TestCertificates} PKI.
 */
class MutualTlsTest {

  private static final long WAIT_SECONDS = 5;

  @TempDir static Path pkiDir;
  private static TestCertificates pki;
  private static EventLoopGroup group;
  private TlsLink link;

  @BeforeAll
  static void setUp() {
    pki = TestCertificates.create(pkiDir, "n1", "n2", "n3");
    group = new NioEventLoopGroup(2);
  }

  @AfterEach
  void closeLink() throws InterruptedException {
    if (link != null) {
      link.close();
    }
  }

  @AfterAll
  static void shutDown() throws InterruptedException {
    assertTrue(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(WAIT_SECONDS,
        TimeUnit.SECONDS), "the event loop group shut down in time");
  }

  @Test
  void goodCertificatesOnBothSidesPassTheChecksAndEchoBytes() throws Exception {
    link = TlsLink.open(group, pki.forNode("n1"), "n2", pki.forNode("n2"), "n1");
    IdentityCheckingHandler server = link.serverEnd();

    assertEquals(NodeId.of("n1"), await(link.client.identity));
    assertEquals(NodeId.of("n2"), await(server.identity));
    SSLSession clientSession = await(link.client.handshake);
    assertEquals("TLSv1.3", clientSession.getProtocol());
    assertEquals("CN=n1", clientSession.getPeerPrincipal().getName());
    assertEquals("CN=n2", await(server.handshake).getPeerPrincipal().getName());

    byte[] payload = new byte[10_000];
    new Random(42).nextBytes(payload);
    CompletableFuture<byte[]> echoed = link.client.expectBytes(payload.length);
    link.clientChannel().writeAndFlush(Unpooled.wrappedBuffer(payload));
    assertArrayEquals(payload, await(echoed));
    assertTrue(link.client.errors.isEmpty(), () -> "client errors: " + link.client.errors);
    assertTrue(server.errors.isEmpty(), () -> "server errors: " + server.errors);
  }

  @Test
  void tls12OnlyNodesAlsoConnect() throws Exception {
    link = TlsLink.open(group, tls12(pki.files("n1")), "n2", tls12(pki.files("n2")), "n1");

    assertEquals("TLSv1.2", await(link.client.handshake).getProtocol());
    assertEquals(NodeId.of("n1"), await(link.client.identity));
    assertEquals(NodeId.of("n2"), await(link.serverEnd().identity));
  }

  @Test
  void aClientWithARogueCaCertificateSendsNoCertificateAndIsRefused() throws Exception {
    link = TlsLink.open(group, pki.forNode("n1"), "n2", pki.rogue("n2"), "n1");
    IdentityCheckingHandler server = link.serverEnd();

    // The JDK's key manager only offers a certificate issued by a CA the server names, so the
    // rogue client sends an empty chain, which a server requiring client auth refuses.
    assertInstanceOf(SSLHandshakeException.class, failureOf(server.handshake));
    assertInstanceOf(SSLHandshakeException.class, failureOf(server.identity));
    await(link.client.closed);
    assertTrue(sawTlsFailure(link.client), () -> "the client saw the refusal: "
        + link.client.handshake + ", " + link.client.errors);
  }

  @Test
  void aClientPresentingARogueCaCertificateAnywayFailsTheServersTrustCheck() throws Exception {
    link = TlsLink.open(group, pki.forNode("n1").serverContext(), "n2",
        PresentAnywayKeyManager.clientContext(pki.rogueFiles("n2")), "n1");
    IdentityCheckingHandler server = link.serverEnd();

    Throwable refusal = failureOf(server.handshake);
    assertInstanceOf(SSLHandshakeException.class, refusal);
    assertTrue(causedByCertPath(refusal), () -> "the server itself refused: " + refusal);
    assertInstanceOf(SSLHandshakeException.class, failureOf(server.identity));
    await(link.client.closed);
    // Under TLS 1.3 the client may finish its side of the handshake before the server checks its
    // certificate; it then learns of the refusal from the server's alert.
    assertTrue(sawTlsFailure(link.client), () -> "the client saw the refusal: "
        + link.client.handshake + ", " + link.client.errors);
  }

  @Test
  void underTls12TheRefusedClientSeesItsHandshakeFail() throws Exception {
    link = TlsLink.open(group, tls12(pki.files("n1")), "n2", pki.rogue("n2"), "n1");

    assertInstanceOf(SSLHandshakeException.class, failureOf(link.serverEnd().handshake));
    assertInstanceOf(SSLHandshakeException.class, failureOf(link.client.handshake));
    await(link.client.closed);
  }

  @Test
  void aServerWithARogueCaCertificateIsRefusedByTheClient() throws Exception {
    link = TlsLink.open(group, pki.rogue("n1"), "n2", pki.forNode("n2"), "n1");

    Throwable refusal = failureOf(link.client.handshake);
    assertInstanceOf(SSLHandshakeException.class, refusal);
    assertTrue(causedByCertPath(refusal), () -> "the client itself refused: " + refusal);
    assertInstanceOf(SSLHandshakeException.class, failureOf(link.client.identity));
    assertInstanceOf(SSLException.class, failureOf(link.serverEnd().handshake));
    await(link.client.closed);
  }

  @Test
  void aValidCertificateForAnotherNodeFailsTheServersIdentityCheck() throws Exception {
    link = TlsLink.open(group, pki.forNode("n1"), "n2", pki.forNode("n3"), "n1");
    IdentityCheckingHandler server = link.serverEnd();

    await(server.handshake);
    PeerIdentityException refusal =
        assertInstanceOf(PeerIdentityException.class, failureOf(server.identity));
    assertTrue(refusal.getMessage().contains("[n3]"), refusal.getMessage());
    assertTrue(refusal.getMessage().endsWith("expected node n2"), refusal.getMessage());
    assertEquals(NodeId.of("n1"), await(link.client.identity));
    await(link.client.closed);
    await(server.closed);
  }

  @Test
  void aValidCertificateForAnotherNodeFailsTheClientsIdentityCheck() throws Exception {
    link = TlsLink.open(group, pki.forNode("n3"), "n2", pki.forNode("n2"), "n1");

    PeerIdentityException refusal =
        assertInstanceOf(PeerIdentityException.class, failureOf(link.client.identity));
    assertTrue(refusal.getMessage().contains("[n3]"), refusal.getMessage());
    await(link.client.closed);
  }

  @Test
  void theSubjectAltNameOutranksAContradictingCommonName() throws Exception {
    link = TlsLink.open(group, pki.forNode("n1"), "n2", pki.impostor("n2", "n3"), "n1");

    PeerIdentityException refusal =
        assertInstanceOf(PeerIdentityException.class, failureOf(link.serverEnd().identity));
    assertTrue(refusal.getMessage().contains("subject CN=n2"), refusal.getMessage());
    assertTrue(refusal.getMessage().contains("[n3]"), refusal.getMessage());
  }

  @Test
  void withoutASubjectAltNameTheCommonNameNamesTheNode() throws Exception {
    link = TlsLink.open(group, pki.forNode("n1"), "n2", pki.commonNameOnly("n2"), "n1");

    assertEquals(NodeId.of("n2"), await(link.serverEnd().identity));
  }

  /** Whether the chain of causes holds a certification-path failure, i.e. an untrusted CA. */
  private static boolean causedByCertPath(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        return true;
      }
    }
    return false;
  }

  private static boolean sawTlsFailure(IdentityCheckingHandler end) {
    List<Throwable> seen = new ArrayList<>(end.errors);
    if (end.handshake.isCompletedExceptionally()) {
      seen.add(end.handshake.handle((session, failure) -> failure).join());
    }
    for (Throwable failure : seen) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof SSLException) {
          return true;
        }
      }
    }
    return false;
  }

  private static TlsConfig tls12(TestCertificates.PemSet files) {
    return TlsConfig.fromPem(files.certificateChain(), files.privateKey(),
        files.trustedCertificates(), List.of("TLSv1.2"));
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return failed.getCause();
  }
}
