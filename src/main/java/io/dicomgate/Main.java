package io.dicomgate;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts dicomgate. The one thing it does before Quarkus: it hands request-target validation from
 * Quarkus's root handler (an empty {@code 400} for any character {@link java.net.URI} refuses) to
 * {@link io.dicomgate.web.RequestTargetCharacters}, which percent-encodes the characters people type
 * unencoded in DICOMweb queries ({@code PatientName=DOE^J*}) and still refuses every other invalid
 * target, with a body that names the character. Read once, when Quarkus's HTTP recorder loads.
 */
@QuarkusMain
public final class Main {

    /** The Quarkus system property (not a config key: it is read before configuration exists). */
    public static final String OWN_URI_VALIDATION = "vertx.disableURIValidation";

    private Main() {
    }

    public static void main(String... args) {
        System.setProperty(OWN_URI_VALIDATION, "true");
        Quarkus.run(args);
    }
}
