package io.dicomgate.imports.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Opens the source a {@link SourceSpec} names. */
public final class ImportSources {

    private ImportSources() {
    }

    /**
     * Validates the spec (IllegalArgumentException with a message for the client) and opens its source.
     * Network sources connect lazily: a wrong password or an unreachable host shows in
     * {@link ImportSource#list} as an IOException.
     */
    public static ImportSource open(SourceSpec spec) throws IOException {
        return open(spec, List.of());
    }

    /**
     * As {@link #open(SourceSpec)}, with the folders a folder source must lie under (empty: anywhere
     * the process can read), so the import API cannot be pointed at the server's own files.
     */
    public static ImportSource open(SourceSpec spec, List<Path> folderRoots) throws IOException {
        spec.validate();
        return switch (spec.kind()) {
            case SourceSpec.FOLDER -> {
                Path path = spec.folderPath();
                Path real = path.toRealPath();
                if (!folderRoots.isEmpty() && folderRoots.stream().map(ImportSources::real).noneMatch(real::startsWith)) {
                    throw new IllegalArgumentException("path is outside the folders allowed for imports");
                }
                yield new FolderSource(path, spec.maxEntryBytesOrDefault());
            }
            case SourceSpec.FTP -> new FtpSource(spec);
            case SourceSpec.DICOMWEB -> new DicomWebSource(spec);
            case SourceSpec.DIMSE -> new DimseSource(spec);
            default -> throw new IllegalStateException();
        };
    }

    private static Path real(Path folder) {
        try {
            return folder.toRealPath();
        } catch (IOException e) {
            return folder.toAbsolutePath().normalize();
        }
    }
}
