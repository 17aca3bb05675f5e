package io.dicomgate.guard;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The exfiltration guard's limits, per realm role ({@code dicomgate.guard.role.<role>.*}) with
 * {@code dicomgate.guard.default.*} for callers none of whose roles is listed. A caller with several
 * roles gets, per limit, the most generous of them. The shipped values are in application.properties
 * and README ("The exfiltration guard").
 */
@ConfigMapping(prefix = "dicomgate.guard")
public interface GuardConfig {

    /** Off only for a benchmark of the raw server; production keeps it on. */
    @WithDefault("true")
    boolean enabled();

    /** Limits of callers with none of the roles below. */
    RoleLimits defaults();

    /** Limits by realm role; any field left out falls back to {@link #defaults()}. */
    Map<String, RoleLimits> role();

    interface RoleLimits {
        /** Requests of any kind in a sliding minute. */
        Optional<Integer> requestsPerMinute();

        /** Distinct patients whose data searches and retrieves returned, in a sliding hour. */
        Optional<Integer> patientsPerHour();

        /** Response bytes of searches and retrieves in a sliding hour. */
        Optional<MemorySize> bytesPerHour();

        /** Distinct patients per hour above which auditors get an anomaly alert (the request is still served). */
        Optional<Integer> anomalyPatientsPerHour();
    }

    /** The limits that apply to a caller with these realm roles. */
    default Limits limitsFor(Set<String> roles) {
        RoleLimits base = defaults();
        Limits result = null;
        for (String role : roles) {
            RoleLimits limits = role().get(role);
            if (limits != null) {
                Limits these = Limits.of(limits, base);
                result = result == null ? these : result.mostGenerous(these);
            }
        }
        return result != null ? result : Limits.of(base, base);
    }

    /** Resolved limits of one caller. */
    record Limits(int requestsPerMinute, int patientsPerHour, long bytesPerHour, int anomalyPatientsPerHour) {

        static Limits of(RoleLimits limits, RoleLimits fallback) {
            return new Limits(
                    limits.requestsPerMinute().or(fallback::requestsPerMinute).orElse(600),
                    limits.patientsPerHour().or(fallback::patientsPerHour).orElse(100),
                    limits.bytesPerHour().or(fallback::bytesPerHour).map(MemorySize::asLongValue).orElse(1L << 30),
                    limits.anomalyPatientsPerHour().or(fallback::anomalyPatientsPerHour).orElse(50));
        }

        Limits mostGenerous(Limits other) {
            return new Limits(Math.max(requestsPerMinute, other.requestsPerMinute),
                    Math.max(patientsPerHour, other.patientsPerHour), Math.max(bytesPerHour, other.bytesPerHour),
                    Math.max(anomalyPatientsPerHour, other.anomalyPatientsPerHour));
        }
    }
}
