package io.dicomgate.guard;

/** The exfiltration guard's limits; all but the anomaly threshold refuse with 429. */
public enum GuardLimit {
    REQUESTS_PER_MINUTE("requests per minute"),
    PATIENTS_PER_HOUR("distinct patients per hour"),
    BYTES_PER_HOUR("bytes retrieved per hour"),
    /** Not a refusal: auditors are told that a caller touches unusually many patients. */
    ANOMALY_PATIENTS_PER_HOUR("distinct patients per hour above the anomaly threshold");

    private final String text;

    GuardLimit(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
