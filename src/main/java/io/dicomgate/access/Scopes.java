package io.dicomgate.access;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SMART App Launch scopes (SMART v2 {@code patient/ImagingStudy.rs}, v1
 * {@code user/ImagingStudy.read}): what the token's client may do, whatever the user's roles.
 * {@code ImagingStudy} bounds DICOMweb, {@code Consent} the consent API; other scopes are ignored.
 */
public final class Scopes {

    /** Whose data a scope reaches. */
    public enum Compartment {
        /** Only the patient in the token's {@code patient_id} claim. */
        PATIENT,
        /** What the user may see by their roles and consents. */
        USER,
        /** What the system client may see by policy. */
        SYSTEM
    }

    /** SMART v2 interactions used by DICOMweb: c = store, r = retrieve, s = search. */
    public enum Permission {
        CREATE('c'),
        READ('r'),
        UPDATE('u'),
        DELETE('d'),
        SEARCH('s');

        final char letter;

        Permission(char letter) {
            this.letter = letter;
        }
    }

    private static final String ACTIONS = "\\.(read|write|\\*|[cruds]+)";

    private final Map<Compartment, EnumSet<Permission>> granted;

    private Scopes(Map<Compartment, EnumSet<Permission>> granted) {
        this.granted = granted;
    }

    /** The token's scopes on {@code ImagingStudy} (DICOMweb). */
    public static Scopes of(Set<String> tokenScopes) {
        return of(tokenScopes, "ImagingStudy");
    }

    /** The token's scopes on a FHIR resource type, e.g. {@code Consent}; {@code *} counts for all. */
    public static Scopes of(Set<String> tokenScopes, String resourceType) {
        Pattern pattern = Pattern.compile("(patient|user|system)/(" + Pattern.quote(resourceType) + "|\\*)" + ACTIONS);
        Map<Compartment, EnumSet<Permission>> granted = new EnumMap<>(Compartment.class);
        for (String scope : tokenScopes) {
            Matcher m = pattern.matcher(scope);
            if (!m.matches()) {
                continue;
            }
            Compartment compartment = Compartment.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
            EnumSet<Permission> permissions = granted.computeIfAbsent(compartment, c -> EnumSet.noneOf(Permission.class));
            switch (m.group(3)) {
                case "read" -> permissions.addAll(EnumSet.of(Permission.READ, Permission.SEARCH));
                case "write" -> permissions.addAll(EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE));
                case "*" -> permissions.addAll(EnumSet.allOf(Permission.class));
                default -> {
                    for (Permission p : Permission.values()) {
                        if (m.group(3).indexOf(p.letter) >= 0) {
                            permissions.add(p);
                        }
                    }
                }
            }
        }
        return new Scopes(granted);
    }

    /** The compartments in which the token grants this permission. */
    public Set<Compartment> compartmentsFor(Permission permission) {
        Set<Compartment> result = EnumSet.noneOf(Compartment.class);
        granted.forEach((compartment, permissions) -> {
            if (permissions.contains(permission)) {
                result.add(compartment);
            }
        });
        return result;
    }
}
