package io.dicomgate.imports.source;

/**
 * One unit of listing and of checkpoint: a file, a zip archive, an instance or a series.
 *
 * @param key  stable and printable (control characters escaped), unique within its source
 * @param size bytes, -1 when unknown
 */
public record SourceItem(String key, long size) {
}
