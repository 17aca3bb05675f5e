package io.dicomgate.web;

import io.dicomgate.dicom.InvalidRequestException;

/** Integer query parameters of the JSON APIs (paging): absent means the default, anything else must be in range. */
public final class QueryIntegers {

    private QueryIntegers() {
    }

    /**
     * The parameter's value, or {@code fallback} when absent or blank.
     *
     * @throws InvalidRequestException (400) when it is not an integer from {@code min} to {@code max}
     */
    public static int bounded(String value, int fallback, int min, int max, String name) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name + " must be an integer from " + min + " to " + max);
        }
    }
}
