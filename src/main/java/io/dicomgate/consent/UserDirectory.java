package io.dicomgate.consent;

import java.util.Optional;

/**
 * Resolves the username a patient types into the account it names today, so that a consent binds to
 * that account ({@code sub}) and not to a name that can be renamed or reused.
 */
public interface UserDirectory {

    /**
     * The enabled account with exactly this username, if any.
     *
     * @throws io.dicomgate.web.ServiceBusyException when the directory cannot be asked now
     */
    Optional<DirectoryUser> findByUsername(String username);
}
