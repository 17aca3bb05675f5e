package io.dicomgate.qido;

/** The level a search returns (PS3.18 §10.6.1: Search for Studies, Series, Instances). */
public enum QueryLevel {
    STUDY,
    SERIES,
    INSTANCE;

    /** Whether attributes of {@code other} are available in results of this level. */
    boolean includes(QueryLevel other) {
        return other.ordinal() <= ordinal();
    }
}
