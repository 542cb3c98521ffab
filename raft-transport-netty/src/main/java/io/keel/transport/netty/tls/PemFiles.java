package io.keel.transport.netty.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files behind a {@link TlsConfig}; every failure is an {@link
 * IllegalArgumentException} whose message starts with the file's role and path.
 */
final class PemFiles {

  private static final String CERTIFICATE_HEADER = "-----BEGIN CERTIFICATE-----";
  private static final String PKCS8_HEADER = "-----BEGIN PRIVATE KEY-----";
  private static final Pattern ANY_HEADER = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
  private static final Pattern PKCS8_BLOCK =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]*)-----END PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "EdDSA");

  private PemFiles() {}

  /** The X.509 certificates in the PEM file, in file order; at least one. */
  static List<X509Certificate> certificates(String role, Path file) {
    String text = read(role, file);
    int blocks = count(text, CERTIFICATE_HEADER);
    if (blocks == 0) {
      throw invalid(role, file, "no PEM certificate found (expected '" + CERTIFICATE_HEADER
          + "')" + foundInstead(text));
    }
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
      for (Certificate c : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
        certificates.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw invalid(role, file, "not a valid PEM X.509 certificate: " + e.getMessage());
    }
    if (certificates.size() != blocks) {
      throw invalid(role, file, "only " + certificates.size() + " of its " + blocks
          + " certificate blocks could be parsed");
    }
    return List.copyOf(certificates);
  }

  /** The single unencrypted PKCS#8 private key in the PEM file. */
  static PrivateKey privateKey(String role, Path file) {
    String text = read(role, file);
    Matcher block = PKCS8_BLOCK.matcher(text);
    if (!block.find()) {
      if (text.contains(PKCS8_HEADER)) {
        throw invalid(role, file, "not a PKCS#8 PEM private key: the '" + PKCS8_HEADER
            + "' block holds non-Base64 characters or has no END line");
      }
      throw invalid(role, file, "not a PKCS#8 PEM private key (expected '" + PKCS8_HEADER + "')"
          + foundInstead(text));
    }
    String body = block.group(1);
    if (block.find()) {
      throw invalid(role, file, "holds more than one private key");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw invalid(role, file, "the private key's Base64 is corrupt: " + e.getMessage());
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
        // not this algorithm; try the next
      }
    }
    throw invalid(role, file, "not a PKCS#8 PEM private key: the block does not decode as an "
        + String.join(", ", KEY_ALGORITHMS) + " key");
  }

  /** Whether {@code key} is the private half of {@code certificate}'s public key. */
  static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** An exception whose message names the file's role, its path and the problem. */
  static IllegalArgumentException invalid(String role, Path file, String problem) {
    return new IllegalArgumentException(role + " " + file + ": " + problem);
  }

  private static String read(String role, Path file) {
    if (!Files.exists(file)) {
      throw invalid(role, file, "no such file");
    }
    if (Files.isDirectory(file)) {
      throw invalid(role, file, "is a directory, not a PEM file");
    }
    if (!Files.isReadable(file)) {
      throw invalid(role, file, "not readable");
    }
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw invalid(role, file, "cannot be read: " + e);
    }
  }

  private static String foundInstead(String text) {
    Matcher header = ANY_HEADER.matcher(text);
    if (!header.find()) {
      return text.isBlank() ? "; the file is empty" : "; the file holds no PEM block";
    }
    String label = header.group(1);
    String hint = switch (label) {
      case "CERTIFICATE" -> " (a certificate, not a private key)";
      case "ENCRYPTED PRIVATE KEY" -> " (encrypted keys are not supported; decrypt it with "
          + "'openssl pkcs8 -topk8 -nocrypt')";
      case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> " (a PKCS#1/SEC1 key; convert it with "
          + "'openssl pkcs8 -topk8 -nocrypt')";
      case "PRIVATE KEY" -> " (a private key, not a certificate)";
      default -> "";
    };
    return "; found '-----BEGIN " + label + "-----'" + hint;
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      count++;
    }
    return count;
  }
}
