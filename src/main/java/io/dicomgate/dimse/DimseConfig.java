package io.dicomgate.dimse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The DICOM C-STORE SCP for modalities (README "Modalities: DICOM C-STORE over TLS"). Off unless
 * {@code dicomgate.dimse.enabled=true}; then a TLS port (PS3.15 Annex B.1, TLS 1.2 or 1.3 only) when a
 * key store is configured, and a plain TCP port only when {@code plain-tcp=true}. Only calling AE titles
 * of {@link #allow()}, from their listed addresses, are accepted.
 */
@ConfigMapping(prefix = "dicomgate.dimse")
public interface DimseConfig {

    /** Off by default: no DICOM port is opened unless asked for. */
    @WithDefault("false")
    boolean enabled();

    /** Our AE title, the Called AE Title peers must use (PS3.8 §9.3.2); others are rejected. */
    @WithDefault("DICOMGATE")
    String aeTitle();

    /** Address the ports listen on; loopback unless a modality on another host must reach it. */
    @WithDefault("127.0.0.1")
    String bindAddress();

    /** TCP port of the DICOM TLS listener (PS3.15 Annex B.1: 2762 is the registered "dicom-tls" port). */
    @WithDefault("2762")
    int port();

    /** Also listen without TLS, on {@link #plainPort()} — only for networks where TLS is impossible. */
    @WithDefault("false")
    boolean plainTcp();

    /** TCP port of the plain listener (used only with {@code plain-tcp=true}; 104 and 11112 are customary). */
    @WithDefault("11112")
    int plainPort();

    Tls tls();

    /**
     * Calling AE titles allowed to store, by AE title ({@code dicomgate.dimse.allow.CT1.addresses=10.1.2.3,10.1.3.0/24},
     * {@code dicomgate.dimse.allow.CT1.identity=modality:CT1}).
     */
    Map<String, AllowedPeer> allow();

    /** Associations served at once; further connections are closed at once (no thread is created for them). */
    @WithDefault("8")
    int maxAssociations();

    /** Largest P-DATA-TF PDU we accept (our Maximum Length Received, PS3.8 §D.1); larger PDUs abort the association. */
    @WithDefault("65536")
    int maxPduLength();

    /** Largest object one C-STORE may send; beyond it the rest is discarded and the answer is A700 (Out of Resources). */
    @WithDefault("2G")
    MemorySize maxObjectSize();

    /** Silence after which an association (or a TLS handshake, or a pending A-ASSOCIATE-RQ) is dropped. */
    @WithDefault("PT60S")
    Duration idleTimeout();

    interface Tls {
        /** PKCS12 key store holding our private key and certificate chain. */
        Optional<Path> keyStore();

        /** Password of {@link #keyStore()}. */
        Optional<String> keyStorePassword();

        /** PKCS12 trust store of the certificates (or CAs) of modalities; the JDK's CAs when absent. */
        Optional<Path> trustStore();

        /** Password of {@link #trustStore()}. */
        Optional<String> trustStorePassword();

        /** Require a client certificate that the trust store vouches for (mutual TLS, PS3.15 B.1). */
        @WithDefault("false")
        boolean clientAuthRequired();

        /** TLS versions offered; anything older than 1.2 is refused even if listed. */
        @WithDefault("TLSv1.3,TLSv1.2")
        List<String> protocols();
    }

    interface AllowedPeer {
        /** Source addresses this AE title may connect from: IP addresses or CIDR ranges. */
        List<String> addresses();

        /** Who stores, in the audit log and the index ("dimse:" + identity), e.g. {@code modality:CT1}. */
        String identity();

        /**
         * Require User Identity Negotiation with a JWT (PS3.7 D.3.3.7): the AE stores as the token's
         * caller, and an association without a valid token is rejected. A token sent by an AE without
         * this setting is verified and used as well.
         */
        @WithDefault("false")
        boolean requireUserIdentity();
    }
}
