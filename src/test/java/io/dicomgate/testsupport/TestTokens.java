package io.dicomgate.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Mints RS256 access tokens the fast test profile accepts (no {@code kid}: quarkus-oidc then uses the
 * configured public key), and broken ones it must refuse.
 */
public final class TestTokens {

    public static final String ISSUER = "https://issuer.test.dicomgate/realms/dicomgate";
    public static final String AUDIENCE = "dicomgate-api";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrivateKey KEY = load("/test-keys/private.pem");
    private static final PrivateKey OTHER_KEY = load("/test-keys/other-private.pem");

    private TestTokens() {
    }

    /** A valid token for a user with these realm roles. */
    public static String user(String username, String... roles) {
        return sign(claims(username, roles), KEY);
    }

    /** A valid portal token for a patient user: {@code patient_id} claim, patient-compartment scope. */
    public static String patient(String username, String patientId) {
        Map<String, Object> claims = claims(username, "patient");
        claims.put("patient_id", patientId);
        claims.put("azp", "dicomgate-portal");
        claims.put("scope", "openid patient/ImagingStudy.rs patient/Consent.cruds");
        return sign(claims, KEY);
    }

    /** A valid client-credentials token of a system client with these realm roles. */
    public static String system(String clientId, String scope, String... roles) {
        Map<String, Object> claims = claims("service-account-" + clientId, roles);
        claims.put("azp", clientId);
        claims.put("scope", scope);
        return sign(claims, KEY);
    }

    /** Claims of a valid token, to be altered by a test and then {@link #sign signed}. */
    public static Map<String, Object> claims(String username, String... roles) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", "sub-" + username);
        claims.put("aud", AUDIENCE);
        claims.put("azp", "dicomgate-viewer");
        claims.put("iat", now);
        claims.put("exp", now + 300);
        claims.put("preferred_username", username);
        // What the viewer gets by default, plus store for the admin/ingest cases.
        claims.put("scope", "openid user/ImagingStudy.rs user/ImagingStudy.c user/Consent.cruds");
        claims.put("realm_access", Map.of("roles", List.of(roles)));
        return claims;
    }

    public static String sign(Map<String, Object> claims) {
        return sign(claims, KEY);
    }

    /** Signed with a key the server does not trust. */
    public static String signWithUntrustedKey(Map<String, Object> claims) {
        return sign(claims, OTHER_KEY);
    }

    /** An unsigned token ({@code alg: none}). */
    public static String unsigned(Map<String, Object> claims) {
        return b64(json(Map.of("alg", "none", "typ", "JWT"))) + "." + b64(json(claims)) + ".";
    }

    private static String sign(Map<String, Object> claims, PrivateKey key) {
        try {
            String input = b64(json(Map.of("alg", "RS256", "typ", "JWT"))) + "." + b64(json(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(signature.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static PrivateKey load(String resource) {
        try (InputStream in = TestTokens.class.getResourceAsStream(resource)) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
