package io.dicomgate.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway key pairs made by the JDK's {@code keytool} for tests and the demo (no private key is ever
 * committed): a PKCS12 key store for Java, and the certificate and unencrypted PKCS#8 private key as
 * PEM files for tools such as dcmtk's {@code +tls} options or Orthanc's DICOM TLS.
 */
public final class Certificates {

    /** One generated key pair: {@code <name>.p12}, {@code <name>.crt} and (when asked) {@code <name>.key}. */
    public record KeyPair(Path keyStore, Path certificate, Path privateKey) {
    }

    private Certificates() {
    }

    /**
     * An RSA 2048 key pair with a self-signed certificate valid for two days.
     *
     * @param san subject alternative names ({@code dns:localhost,ip:127.0.0.1}) or null
     * @param exportKey also write the private key as PEM (for non-Java peers)
     */
    public static KeyPair generate(Path dir, String name, String dname, String san, String password, boolean exportKey) {
        Path store = dir.resolve(name + ".p12");
        Path cert = dir.resolve(name + ".crt");
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048",
                "-dname", dname, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass",
                password));
        if (san != null) {
            args.addAll(List.of("-ext", "SAN=" + san));
        }
        keytool(args.toArray(String[]::new));
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store.toString(), "-storepass", password, "-file",
                cert.toString());
        Path key = null;
        if (exportKey) {
            key = dir.resolve(name + ".key");
            try (InputStream in = Files.newInputStream(store)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(in, password.toCharArray());
                PrivateKey privateKey = (PrivateKey) ks.getKey(name, password.toCharArray());
                Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(privateKey.getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return new KeyPair(store, cert, key);
    }

    /** A PKCS12 trust store {@code <name>.p12} holding these certificates. */
    public static Path trustStore(Path dir, String name, String password, Path... certificates) {
        Path store = dir.resolve(name + ".p12");
        for (int i = 0; i < certificates.length; i++) {
            keytool("-importcert", "-noprompt", "-alias", "trusted-" + i, "-file", certificates[i].toString(),
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password);
        }
        return store;
    }

    /** Runs the JDK's keytool with these arguments; fails with its output when it fails. */
    public static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
