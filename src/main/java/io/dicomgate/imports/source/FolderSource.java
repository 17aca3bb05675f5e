package io.dicomgate.imports.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A folder tree: what an SMB/NFS share, a NAS export or a copied CD holds. Any file name, with or
 * without {@code .dcm}; DICOMDIR, hidden and system files are passed over; {@code .zip} archives are
 * one item whose entries become objects. Listing is a depth-first walk in name order that holds only
 * the entry names of the folders on the current path (never the whole tree); symbolic links are
 * followed, except back into a folder being walked (a loop).
 */
final class FolderSource implements ImportSource {

    private final Path root;
    private final long maxEntryBytes;

    FolderSource(Path root, long maxEntryBytes) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.maxEntryBytes = maxEntryBytes;
        if (!Files.isDirectory(this.root)) {
            throw new IOException("not a directory: " + Keys.printable(this.root.toString()));
        }
    }

    @Override
    public String display() {
        return Keys.printable(root.toString());
    }

    @Override
    public String key() {
        return "folder:" + Keys.printable(root.toString());
    }

    private record Frame(Path dir, String keyPrefix, Path real, List<String> names, int[] next) {
    }

    @Override
    public void list(Consumer<SourceItem> items, BiConsumer<String, String> errors) throws IOException {
        Deque<Frame> stack = new ArrayDeque<>();
        Set<Path> walking = new HashSet<>();
        Frame top = open(root, "", root.toRealPath());
        if (top == null) {
            throw new IOException("cannot list " + display());
        }
        stack.push(top);
        walking.add(top.real());
        while (!stack.isEmpty()) {
            Frame frame = stack.peek();
            if (frame.next()[0] >= frame.names().size()) {
                stack.pop();
                walking.remove(frame.real());
                continue;
            }
            String name = frame.names().get(frame.next()[0]++);
            if (DicomSniffer.ignoredName(name)) {
                continue;
            }
            Path path = frame.dir().resolve(name);
            String key = frame.keyPrefix() + Keys.printable(name);
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                if (Files.isSymbolicLink(path)) {
                    errors.accept(key, "broken symbolic link");
                }
                continue; // deleted while we walk
            } catch (IOException e) {
                errors.accept(key, Keys.message(e));
                continue;
            }
            if (attributes.isDirectory()) {
                Path real;
                try {
                    real = path.toRealPath();
                } catch (IOException e) {
                    errors.accept(key, Keys.message(e));
                    continue;
                }
                if (walking.contains(real)) {
                    errors.accept(key, "symbolic link back into a folder being walked: not followed");
                    continue;
                }
                Frame child = open(path, key + "/", real);
                if (child == null) {
                    errors.accept(key, "cannot list this folder");
                } else {
                    stack.push(child);
                    walking.add(real);
                }
            } else if (attributes.isRegularFile()) {
                items.accept(new SourceItem(key, attributes.size()));
            }
        }
    }

    /** The folder's entry names in order, or null when it cannot be read. */
    private static Frame open(Path dir, String keyPrefix, Path real) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
        names.sort(null);
        return new Frame(dir, keyPrefix, real, names, new int[1]);
    }

    @Override
    public void fetch(SourceItem item, StagingFiles staging, ObjectConsumer objects) throws IOException {
        Path file = resolve(item.key());
        if (DicomSniffer.isZipName(file.getFileName().toString())) {
            ZipArchives.expand(file, item.key(), maxEntryBytes, staging, objects);
            return;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(DicomSniffer.HEAD);
        } catch (NoSuchFileException e) {
            throw new IOException("no longer exists: " + item.key(), e);
        }
        if (!DicomSniffer.looksLikeDicom(head)) {
            objects.skipped(item.key(), head.length == 0 ? "empty file" : DicomSniffer.NOT_DICOM);
            return;
        }
        Path staged = staging.newFile();
        try {
            Files.copy(file, staged, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
        objects.accept(item.key(), staged);
    }

    private Path resolve(String key) throws IOException {
        Path file;
        try {
            file = root.resolve(Keys.original(key)).normalize();
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed item key", e);
        }
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IOException("item key outside the folder");
        }
        return file;
    }

    @Override
    public void close() {
        // nothing held open between calls
    }
}
