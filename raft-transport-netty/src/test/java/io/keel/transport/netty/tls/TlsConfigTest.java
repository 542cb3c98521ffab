package io.keel.transport.netty.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building a {@link TlsConfig} from good and bad PEM files. */
class TlsConfigTest {

  @TempDir static Path pkiDir;
  private static TestCertificates pki;
  private static TestCertificates.PemSet n1;
  private static TestCertificates.PemSet n2;

  @TempDir Path scratch;

  @BeforeAll
  static void createCertificates() {
    pki = TestCertificates.create(pkiDir, "n1", "n2");
    n1 = pki.files("n1");
    n2 = pki.files("n2");
  }

  @Test
  void goodFilesMakeAServerAndAClientContext() {
    TlsConfig config = TlsConfig.fromPem(n1.certificateChain(), n1.privateKey(),
        n1.trustedCertificates());

    assertEquals("CN=n1", config.certificate().getSubjectX500Principal().getName());
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), config.protocols());
    assertTrue(config.serverContext().isServer());
    assertTrue(config.clientContext().isClient());
    assertTrue(config.toString().contains(n1.certificateChain().toString()), config.toString());
  }

  @Test
  void aMissingFileIsNamedWithItsRole() {
    Path missing = scratch.resolve("absent.pem");

    assertProblem("certificateChain " + missing + ": no such file",
        missing, n1.privateKey(), n1.trustedCertificates());
    assertProblem("privateKey " + missing + ": no such file",
        n1.certificateChain(), missing, n1.trustedCertificates());
    assertProblem("trustedCertificates " + missing + ": no such file",
        n1.certificateChain(), n1.privateKey(), missing);
  }

  @Test
  void aDirectoryIsNotAPemFile() {
    assertProblem("trustedCertificates " + scratch + ": is a directory",
        n1.certificateChain(), n1.privateKey(), scratch);
  }

  @Test
  void garbageWhereACertificateBelongsIsRefused() throws IOException {
    Path garbage = write("garbage.pem", "this is not PEM at all\n");
    Path empty = write("empty.pem", "");

    assertProblem("certificateChain " + garbage + ": no PEM certificate found",
        garbage, n1.privateKey(), n1.trustedCertificates());
    assertProblem("trustedCertificates " + empty + ": no PEM certificate found (expected "
        + "'-----BEGIN CERTIFICATE-----'); the file is empty",
        n1.certificateChain(), n1.privateKey(), empty);
  }

  @Test
  void aCorruptCertificateBlockIsRefused() throws IOException {
    Path corrupt = write("corrupt.pem",
        "-----BEGIN CERTIFICATE-----\nTUlJQm9ndXM=\n-----END CERTIFICATE-----\n");

    assertProblem("certificateChain " + corrupt + ": not a valid PEM X.509 certificate",
        corrupt, n1.privateKey(), n1.trustedCertificates());
  }

  @Test
  void aCertificateWhereTheKeyBelongsIsRefused() {
    Path certificate = n1.certificateChain();

    assertProblem("privateKey " + certificate + ": not a PKCS#8 PEM private key (expected "
        + "'-----BEGIN PRIVATE KEY-----'); found '-----BEGIN CERTIFICATE-----' (a certificate, "
        + "not a private key)",
        n1.certificateChain(), certificate, n1.trustedCertificates());
  }

  @Test
  void aKeyWhereACertificateBelongsIsRefused() {
    Path key = n1.privateKey();

    assertProblem("trustedCertificates " + key + ": no PEM certificate found (expected "
        + "'-----BEGIN CERTIFICATE-----'); found '-----BEGIN PRIVATE KEY-----' (a private key, "
        + "not a certificate)",
        n1.certificateChain(), n1.privateKey(), key);
  }

  @Test
  void otherKeyFormatsAreRefusedWithAHint() throws IOException {
    String body = Files.readString(n1.privateKey()).replace("PRIVATE KEY", "EC PRIVATE KEY");
    Path sec1 = write("sec1.pem", body);
    Path encrypted = write("encrypted.pem",
        body.replace("EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"));

    assertProblem("privateKey " + sec1 + ": not a PKCS#8 PEM private key (expected "
        + "'-----BEGIN PRIVATE KEY-----'); found '-----BEGIN EC PRIVATE KEY-----' (a PKCS#1/SEC1 "
        + "key; convert it with 'openssl pkcs8 -topk8 -nocrypt')",
        n1.certificateChain(), sec1, n1.trustedCertificates());
    assertProblem("privateKey " + encrypted + ": not a PKCS#8 PEM private key (expected "
        + "'-----BEGIN PRIVATE KEY-----'); found '-----BEGIN ENCRYPTED PRIVATE KEY-----' "
        + "(encrypted keys are not supported",
        n1.certificateChain(), encrypted, n1.trustedCertificates());
  }

  @Test
  void aKeyBlockThatIsNotAKeyIsRefused() throws IOException {
    Path bogus = write("bogus-key.pem",
        "-----BEGIN PRIVATE KEY-----\nTm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n");
    Path broken = write("broken-key.pem",
        "-----BEGIN PRIVATE KEY-----\n!!not base64!!\n-----END PRIVATE KEY-----\n");

    assertProblem("privateKey " + bogus + ": not a PKCS#8 PEM private key: the block does not "
        + "decode as an EC, RSA, EdDSA key",
        n1.certificateChain(), bogus, n1.trustedCertificates());
    assertProblem("privateKey " + broken + ": not a PKCS#8 PEM private key: the "
        + "'-----BEGIN PRIVATE KEY-----' block holds non-Base64 characters",
        n1.certificateChain(), broken, n1.trustedCertificates());
  }

  @Test
  void anotherNodesKeyIsRefused() {
    assertProblem("privateKey " + n2.privateKey() + ": does not belong to the first certificate "
        + "(CN=n1) of certificateChain " + n1.certificateChain(),
        n1.certificateChain(), n2.privateKey(), n1.trustedCertificates());
  }

  @Test
  void onlyTls13AndTls12MayBeChosen() {
    IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
        () -> TlsConfig.fromPem(n1.certificateChain(), n1.privateKey(), n1.trustedCertificates(),
            List.of("TLSv1.3", "TLSv1.1")));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> TlsConfig.fromPem(n1.certificateChain(), n1.privateKey(), n1.trustedCertificates(),
            List.of()));

    assertEquals("protocols: 'TLSv1.1' is not supported; choose from [TLSv1.3, TLSv1.2]",
        old.getMessage());
    assertEquals("protocols: at least one is needed", none.getMessage());
    assertEquals(List.of("TLSv1.2"), TlsConfig.fromPem(n1.certificateChain(), n1.privateKey(),
        n1.trustedCertificates(), List.of("TLSv1.2")).protocols());
  }

  private static void assertProblem(String expectedStart, Path chain, Path key, Path trusted) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TlsConfig.fromPem(chain, key, trusted));
    assertTrue(e.getMessage().startsWith(expectedStart),
        () -> "expected a message starting with\n  " + expectedStart + "\nbut got\n  "
            + e.getMessage());
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(scratch.resolve(name), text);
  }
}
