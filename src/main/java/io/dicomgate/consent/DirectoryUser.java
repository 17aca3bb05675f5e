package io.dicomgate.consent;

/**
 * A user account as the identity provider knows it.
 *
 * @param subject the stable account id, the {@code sub} of the user's tokens
 * @param username the current username
 * @param displayName first and last name, or the username when none is set
 */
public record DirectoryUser(String subject, String username, String displayName) {
}
