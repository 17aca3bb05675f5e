package io.dicomgate.index;

import java.util.Set;

/**
 * Who stored an instance, in which request: written with the instance's index rows and consumed by
 * the request's STORE audit event (or, after a crash between the two, by the start-up recovery).
 */
public record StoreReceipt(String requestId, String subject, String username, String clientId, Set<String> roles,
        String sourceAddress) {
}
