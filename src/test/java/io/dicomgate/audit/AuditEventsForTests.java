package io.dicomgate.audit;

/** Opens package-private audit helpers to tests in other packages. */
public final class AuditEventsForTests {

    private AuditEventsForTests() {
    }

    public static String storable(String value) {
        return AuditObserver.storable(value);
    }
}
