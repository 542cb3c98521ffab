package io.keel.transport.netty.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI in one directory, made with the JDK's {@code keytool}: a CA with one EC
 * certificate per node, plus, made on first use, a rogue CA and certificates that lie about their
 * node.
 */
public final class TestCertificates {

  private static final String CA = "ca";
  private static final String ROGUE_CA = "rogue-ca";
  private static final String VALIDITY_DAYS = "3";
  private static final String START = "-1d";

  private final Path directory;
  private final Keytool keytool;
  private final Map<String, PemSet> issued = new HashMap<>();

  private TestCertificates(Path directory) {
    this.directory = directory;
    this.keytool = new Keytool(directory);
  }

  /**
   * Creates the CA and one certificate per node id (SAN {@code dns:<id>}) inside {@code dir}.
   * keytool refuses a dNSName with '_' or empty labels, so such ids need {@link #commonNameOnly}.
   */
  public static TestCertificates create(Path dir, String... nodeIds) {
    TestCertificates pki = new TestCertificates(dir);
    pki.createCa(CA);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, nodeIds.length));
    try {
      List<Future<PemSet>> pending = new ArrayList<>();
      for (String id : nodeIds) {
        pending.add(pool.submit(() -> pki.issue(CA, id, "CN=" + id, "dns:" + id)));
      }
      for (int i = 0; i < nodeIds.length; i++) {
        pki.remember(nodeIds[i], pending.get(i).get(2, TimeUnit.MINUTES));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create test certificates in " + dir, e);
    } finally {
      pool.shutdownNow();
    }
    return pki;
  }

  /** The files of a node made by {@link #create}. */
  synchronized PemSet files(String nodeId) {
    PemSet files = issued.get(nodeId);
    if (files == null) {
      throw new IllegalArgumentException("no certificate was created for node " + nodeId);
    }
    return files;
  }

  /** A node's configuration: its CA-signed certificate, naming it, and trusting the CA. */
  public TlsConfig forNode(String nodeId) {
    return files(nodeId).config();
  }

  /**
   * A certificate naming {@code nodeId} but signed by the rogue CA. It trusts the rogue CA and,
   * as an attacker could, the real one, so that the honest side is the one that refuses.
   */
  public TlsConfig rogue(String nodeId) {
    return rogueFiles(nodeId).config();
  }

  /** The files behind {@link #rogue}. */
  synchronized PemSet rogueFiles(String nodeId) {
    Path trust = directory.resolve(ROGUE_CA + "-and-" + CA + ".pem");
    if (!Files.exists(trust)) {
      createCa(ROGUE_CA);
      try {
        Files.writeString(trust, Files.readString(pem(ROGUE_CA)) + Files.readString(pem(CA)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    PemSet files = lazily("rogue-" + nodeId, ROGUE_CA, "CN=" + nodeId, "dns:" + nodeId);
    return new PemSet(files.certificateChain(), files.privateKey(), trust);
  }

  /** A CA-signed certificate whose CN claims {@code claimedId} but whose SAN names {@code realId}. */
  public synchronized TlsConfig impostor(String claimedId, String realId) {
    return lazily("impostor-" + claimedId + "-as-" + realId, CA, "CN=" + claimedId,
        "dns:" + realId).config();
  }

  /** A CA-signed certificate naming {@code nodeId} in its subject CN only, with no SAN. */
  synchronized TlsConfig commonNameOnly(String nodeId) {
    return lazily("cn-only-" + nodeId, CA, "CN=" + nodeId, null).config();
  }

  /** The CA certificate, PEM. */
  Path caCertificate() {
    return pem(CA);
  }

  private PemSet lazily(String name, String ca, String subject, String san) {
    PemSet files = issued.get(name);
    if (files == null) {
      files = issue(ca, name, subject, san);
      issued.put(name, files);
    }
    return files;
  }

  private synchronized void remember(String name, PemSet files) {
    issued.put(name, files);
  }

  private void createCa(String alias) {
    keytool.run(alias, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=Keel test " + alias, "-ext", "BC:c=ca:true", "-ext",
        "KU:c=keyCertSign,cRLSign", "-startdate", START, "-validity", VALIDITY_DAYS,
        "-keystore", keystore(alias).toString(), "-storetype", "PKCS12",
        "-storepass", Keytool.PASSWORD);
    try {
      writePem(pem(alias), "CERTIFICATE", load(alias).getCertificate(alias).getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot export the certificate of " + alias, e);
    }
  }

  private PemSet issue(String ca, String name, String subject, String san) {
    String store = keystore(name).toString();
    keytool.run(name + "-key", "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", subject, "-keystore", store, "-storetype", "PKCS12",
        "-storepass", Keytool.PASSWORD);
    Path request = directory.resolve(name + ".csr");
    keytool.run(name + "-csr", "-certreq", "-alias", name, "-keystore", store,
        "-storepass", Keytool.PASSWORD, "-file", request.toString());
    List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", ca, "-keystore",
        keystore(ca).toString(), "-storepass", Keytool.PASSWORD, "-infile", request.toString(),
        "-outfile", pem(name).toString(), "-rfc", "-startdate", START, "-validity", VALIDITY_DAYS,
        "-ext", "KU=digitalSignature", "-ext", "EKU=serverAuth,clientAuth"));
    if (san != null) {
      sign.addAll(List.of("-ext", "SAN=" + san));
    }
    keytool.run(name + "-sign", sign.toArray(String[]::new));
    Path key = directory.resolve(name + ".key.pem");
    try {
      writePem(key, "PRIVATE KEY", load(name).getKey(name, Keytool.PASSWORD.toCharArray())
          .getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot export the key of " + name, e);
    }
    return new PemSet(pem(name), key, pem(ca));
  }

  private KeyStore load(String alias) throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(keystore(alias))) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, Keytool.PASSWORD.toCharArray());
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writePem(Path file, String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    String text = "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path keystore(String alias) {
    return directory.resolve(alias + ".p12");
  }

  private Path pem(String alias) {
    return directory.resolve(alias + ".pem");
  }

  /** The three PEM files a {@link TlsConfig} is built from. */
  record PemSet(Path certificateChain, Path privateKey, Path trustedCertificates) {

    /** The configuration these files make, with the default protocols. */
    TlsConfig config() {
      return TlsConfig.fromPem(certificateChain, privateKey, trustedCertificates);
    }
  }
}
