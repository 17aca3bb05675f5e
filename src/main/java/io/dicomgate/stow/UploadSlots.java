package io.dicomgate.stow;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.dicomgate.access.Caller;
import io.dicomgate.web.TooManyRequestsException;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * At most {@code dicomgate.stow.max-concurrent-uploads} STOW requests of one caller (token subject and
 * client) in flight at once; one more is {@code 429} with Retry-After, so one client cannot hold every
 * connection and staging file of the server with uploads it never finishes.
 */
@ApplicationScoped
public class UploadSlots {

    static final int RETRY_AFTER_SECONDS = 2;

    /** STOW limits. */
    @ConfigMapping(prefix = "dicomgate.stow")
    public interface Config {
        /** Most STOW requests one caller may have in flight at once (count). */
        @WithDefault("16")
        int maxConcurrentUploads();
    }

    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final Config config;

    public UploadSlots(Config config) {
        this.config = config;
    }

    /** A slot for one upload, released when closed. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** @throws TooManyRequestsException when the caller already has the maximum in flight */
    public Slot take(Caller caller) {
        String key = caller.subject() + '|' + caller.clientId();
        boolean[] taken = new boolean[1];
        inFlight.compute(key, (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= config.maxConcurrentUploads()) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        if (!taken[0]) {
            throw new TooManyRequestsException("at most " + config.maxConcurrentUploads()
                    + " uploads of one caller at a time", RETRY_AFTER_SECONDS);
        }
        boolean[] released = new boolean[1];
        return () -> {
            synchronized (released) {
                if (released[0]) {
                    return;
                }
                released[0] = true;
            }
            inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        };
    }

    /** Uploads of this caller in flight now. */
    int inFlight(Caller caller) {
        return inFlight.getOrDefault(caller.subject() + '|' + caller.clientId(), 0);
    }
}
