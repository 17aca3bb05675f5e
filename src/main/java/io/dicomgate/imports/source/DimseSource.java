package io.dicomgate.imports.source;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.StoredFilePathStrategy;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.GetSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import com.pixelmed.network.PresentationContextListFactory;
import com.pixelmed.network.ReceivedObjectHandler;

/**
 * A DIMSE archive (PS3.4 Annex C, Study Root Query/Retrieve): C-FIND at STUDY level, then SERIES
 * level per study, lists one item per series (key {@code study/series}); fetch asks the series'
 * SOP Instance and SOP Class UIDs at IMAGE level and retrieves the whole series with one C-GET
 * (PS3.4 §C.4.3), the archive sending each instance back as a C-STORE sub-operation on the same
 * association. Per series rather than per instance: one association and one request per series
 * instead of one per image (association set-up dominates for small images, and archives limit
 * concurrent associations), while a series stays a small enough unit to redo after an interruption
 * (instances already stored come back as "already present").
 *
 * <p>The storage presentation contexts proposed are those of the SOP classes the IMAGE-level C-FIND
 * named, each with every transfer syntax PixelMed knows in a context of its own when they fit in
 * the 128 contexts of PS3.8 §9.3.2.2, so the archive can send what it holds instead of transcoding.
 *
 * <p>Memory: the study UIDs of the archive (one C-FIND answer), then one study's series.
 */
final class DimseSource implements ImportSource {

    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final int MAX_CONTEXTS = 127;

    private final String host;
    private final int port;
    private final String calledAe;
    private final String callingAe;

    DimseSource(SourceSpec spec) {
        host = spec.host().strip();
        port = spec.port();
        calledAe = spec.calledAe();
        callingAe = spec.callingAeOrDefault();
    }

    @Override
    public String display() {
        return "dicom://" + Keys.printable(calledAe) + "@" + host + ":" + port + " (calling AE " + Keys.printable(callingAe)
                + ", C-GET)";
    }

    @Override
    public String key() {
        return "dimse:" + Keys.printable(calledAe) + "@" + host + ":" + port + " as " + Keys.printable(callingAe);
    }

    @Override
    public void list(Consumer<SourceItem> items, BiConsumer<String, String> errors) throws IOException {
        AttributeList studyQuery = query("STUDY");
        put(studyQuery, TagFromName.StudyInstanceUID, "");
        TreeSet<String> studies = new TreeSet<>();
        find(studyQuery, match -> uid(match, TagFromName.StudyInstanceUID, studies, errors, "studies"));
        for (String study : studies) {
            AttributeList seriesQuery = query("SERIES");
            put(seriesQuery, TagFromName.StudyInstanceUID, study);
            put(seriesQuery, TagFromName.SeriesInstanceUID, "");
            TreeSet<String> series = new TreeSet<>();
            try {
                find(seriesQuery, match -> uid(match, TagFromName.SeriesInstanceUID, series, errors, study));
            } catch (IOException e) {
                errors.accept(study, Keys.message(e));
                continue;
            }
            series.forEach(s -> items.accept(new SourceItem(study + "/" + s, -1)));
        }
    }

    @Override
    public void fetch(SourceItem item, StagingFiles staging, ObjectConsumer objects) throws IOException {
        String[] uids = item.key().split("/");
        if (uids.length != 2 || !UID.matcher(uids[0]).matches() || !UID.matcher(uids[1]).matches()) {
            throw new IOException("malformed item key");
        }
        // IMAGE level first: the SOP classes to propose, and how many instances to expect.
        AttributeList imageQuery = query("IMAGE");
        put(imageQuery, TagFromName.StudyInstanceUID, uids[0]);
        put(imageQuery, TagFromName.SeriesInstanceUID, uids[1]);
        put(imageQuery, TagFromName.SOPInstanceUID, "");
        put(imageQuery, TagFromName.SOPClassUID, "");
        Set<String> instances = new HashSet<>();
        Set<String> sopClasses = new TreeSet<>();
        find(imageQuery, match -> {
            instances.add(Attribute.getSingleStringValueOrEmptyString(match, TagFromName.SOPInstanceUID));
            String sopClass = Attribute.getSingleStringValueOrEmptyString(match, TagFromName.SOPClassUID);
            if (UID.matcher(sopClass).matches()) {
                sopClasses.add(sopClass);
            }
        });
        if (instances.isEmpty()) {
            return; // the series is gone or empty: nothing to import
        }
        if (sopClasses.isEmpty()) {
            throw new IOException("the archive did not name the SOP classes of the series (IMAGE-level C-FIND)");
        }
        AttributeList get = query("SERIES");
        put(get, TagFromName.StudyInstanceUID, uids[0]);
        put(get, TagFromName.SeriesInstanceUID, uids[1]);
        Path first = staging.newFile();
        Path folder = Files.createTempDirectory(first.getParent(), ".cget-");
        List<String> received = new ArrayList<>();
        Path[] spare = { first };
        ReceivedObjectHandler handler = new ReceivedObjectHandler() {
            @Override
            public void sendReceivedObjectIndication(String fileName, String transferSyntax, String ae)
                    throws IOException {
                Path file = Path.of(fileName);
                String sop = file.getFileName().toString();
                Path target = spare[0] != null ? spare[0] : staging.newFile();
                spare[0] = null;
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
                received.add(sop);
                objects.accept(item.key() + "/" + Keys.printable(sop), target);
            }
        };
        try {
            Proposal proposal = proposal(sopClasses);
            new GetSOPClassSCU(host, port, calledAe, callingAe, SOPClass.StudyRootQueryRetrieveInformationModelGet, get,
                    new IdentifierHandler(), folder.toFile(), StoredFilePathStrategy.BYSOPINSTANCEUIDINSINGLEFOLDER,
                    handler, sopClasses, proposal.compressionLevel(), proposal.theirChoice(), proposal.ourChoice(), false);
        } catch (DicomNetworkException | DicomException e) {
            throw new IOException("C-GET of series " + uids[1] + " failed after " + received.size() + " instance(s): "
                    + Keys.message(e), e);
        } finally {
            if (spare[0] != null) {
                Files.deleteIfExists(spare[0]);
            }
            deleteTree(folder);
        }
        if (received.size() < instances.size()) {
            throw new IOException("C-GET delivered " + received.size() + " of the " + instances.size()
                    + " instances the archive listed");
        }
    }

    private record Proposal(int compressionLevel, boolean theirChoice, boolean ourChoice) {
    }

    /** Every known transfer syntax in a context of its own when that fits; fewer, then one context per class. */
    private static Proposal proposal(Set<String> sopClasses) throws DicomNetworkException {
        Set<String> all = new HashSet<>(sopClasses);
        all.add(SOPClass.StudyRootQueryRetrieveInformationModelGet);
        for (int level : new int[] { 4, 3, 0 }) {
            if (PresentationContextListFactory.createNewPresentationContextList(all, level, true, true).size() <= MAX_CONTEXTS) {
                return new Proposal(level, true, true);
            }
        }
        return new Proposal(4, true, false);
    }

    // ---- C-FIND ----------------------------------------------------------------------------------

    @FunctionalInterface
    private interface MatchConsumer {
        void accept(AttributeList match) throws DicomException;
    }

    private void find(AttributeList identifier, MatchConsumer matches) throws IOException {
        try {
            new FindSOPClassSCU(host, port, calledAe, callingAe, SOPClass.StudyRootQueryRetrieveInformationModelFind,
                    identifier, new IdentifierHandler() {
                        @Override
                        public void doSomethingWithIdentifier(AttributeList match) throws DicomException {
                            matches.accept(match);
                        }
                    });
        } catch (DicomNetworkException | DicomException e) {
            throw new IOException("C-FIND at " + display() + " failed (is our calling AE known to the archive?): "
                    + Keys.message(e), e);
        }
    }

    private static void uid(AttributeList match, AttributeTag tag, Set<String> into, BiConsumer<String, String> errors,
            String where) {
        String uid = Attribute.getSingleStringValueOrEmptyString(match, tag);
        if (UID.matcher(uid).matches() && uid.length() <= 64) {
            into.add(uid);
        } else {
            errors.accept(where, "a match without a usable UID");
        }
    }

    private static AttributeList query(String level) throws IOException {
        AttributeList list = new AttributeList();
        try {
            Attribute a = new CodeStringAttribute(TagFromName.QueryRetrieveLevel);
            a.addValue(level);
            list.put(a);
        } catch (DicomException e) {
            throw new IOException(e);
        }
        return list;
    }

    private static void put(AttributeList list, AttributeTag tag, String uid) throws IOException {
        try {
            Attribute a = new UniqueIdentifierAttribute(tag);
            if (!uid.isEmpty()) {
                a.addValue(uid);
            }
            list.put(a);
        } catch (DicomException e) {
            throw new IOException(e);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        File[] left = folder.toFile().listFiles();
        if (left != null) {
            for (File f : left) {
                Files.deleteIfExists(f.toPath());
            }
        }
        Files.deleteIfExists(folder);
    }

    @Override
    public void close() {
        // one association per request: nothing held open
    }
}
