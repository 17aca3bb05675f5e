package io.dicomgate.dicom;

/**
 * The layout of a structurally valid DICOM Part 10 file (PS3.10 §7.1).
 *
 * @param transferSyntaxUid the Transfer Syntax UID from (0002,0010), without padding
 * @param datasetOffset     file offset of the first byte after the File Meta Information
 * @param fileLength        file size in bytes
 * @param pixelData         the top-level Pixel Data, or {@code null} if there is none or the data
 *                          set is deflated (its bytes then have no file offset)
 */
public record Part10Structure(String transferSyntaxUid, long datasetOffset, long fileLength,
                              PixelDataLocation pixelData) {
}
