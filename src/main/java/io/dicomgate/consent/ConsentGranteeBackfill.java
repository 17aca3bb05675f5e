package io.dicomgate.consent;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.dicomgate.index.ExclusiveJobs;
import io.dicomgate.web.ServiceBusyException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * Binds consents made before grantees were resolved (V16) to the account their username names now,
 * once, at start-up and in the background. A username no account has any more is bound to
 * {@code unresolved:<username>}, which matches no token: a new account that takes the name later does
 * not inherit the consent. While the directory cannot be asked, those rows keep matching by username
 * and the next start tries again. Idempotent, so several nodes may run it.
 */
@ApplicationScoped
public class ConsentGranteeBackfill {

    private static final Logger LOG = Logger.getLogger(ConsentGranteeBackfill.class);
    static final String UNRESOLVED = "unresolved:";

    private final ConsentRepository consents;
    private final UserDirectory directory;
    private final ExclusiveJobs jobs;

    public ConsentGranteeBackfill(ConsentRepository consents, UserDirectory directory, ExclusiveJobs jobs) {
        this.consents = consents;
        this.directory = directory;
        this.jobs = jobs;
    }

    void onStart(@Observes StartupEvent event) {
        Thread.ofVirtual().name("consent-grantee-backfill").start(() -> {
            try {
                // One node at a time: two would ask the directory twice for the same users.
                jobs.runAlone("consent-grantee-backfill", () -> {
                    int bound = run();
                    if (bound > 0) {
                        LOG.infof("%d consent(s) bound to the grantee's account", bound);
                    }
                });
            } catch (ServiceBusyException e) {
                LOG.warn("consents made before accounts were resolved still match by username: the user directory"
                        + " cannot be asked now (next start tries again)");
            } catch (Exception e) {
                LOG.warnf("consent grantee backfill stopped: %s", e.getClass().getSimpleName());
            }
        });
    }

    /** Resolves every unresolved user grantee; returns how many consents it bound. */
    public int run() {
        List<String> usernames = QuarkusTransaction.requiringNew().call(() -> consents.getEntityManager()
                .createQuery("select distinct c.grantee from Consent c where c.granteeType = 'user' and c.granteeSub is null",
                        String.class)
                .getResultList());
        int bound = 0;
        for (String username : usernames) {
            Optional<DirectoryUser> user = directory.findByUsername(username);
            String sub = user.map(DirectoryUser::subject).orElse(UNRESOLVED + username);
            String name = user.map(DirectoryUser::displayName).orElse(null);
            bound += QuarkusTransaction.requiringNew().call(() -> consents.update(
                    "granteeSub = ?1, granteeName = ?2 where granteeType = 'user' and grantee = ?3 and granteeSub is null",
                    sub, name, username));
        }
        return bound;
    }
}
