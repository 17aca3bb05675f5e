package io.dicomgate.access;

/**
 * A break-the-glass request from the headers {@code X-Break-Glass-Reason} and
 * {@code X-Break-Glass-Purpose}. It changes nothing for callers without the {@code emergency-access}
 * role; for those with it, an empty reason is a bad request.
 */
public record BreakGlassRequest(String reason, String purposeOfUse) {

    public static final String REASON_HEADER = "X-Break-Glass-Reason";
    public static final String PURPOSE_HEADER = "X-Break-Glass-Purpose";
    /** HL7 v3 PurposeOfUse "emergency treatment", when the client names none. */
    public static final String DEFAULT_PURPOSE = "ETREAT";

    /** @return null when no reason header was sent */
    public static BreakGlassRequest of(String reasonHeader, String purposeHeader) {
        if (reasonHeader == null) {
            return null;
        }
        String purpose = purposeHeader == null || purposeHeader.isBlank() ? DEFAULT_PURPOSE : purposeHeader.strip();
        return new BreakGlassRequest(reasonHeader.strip(), purpose);
    }
}
