package io.dicomgate.imports.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.dicom.ContentType;
import io.dicomgate.dicom.MultipartRelatedReader;

/**
 * A DICOMweb server: QIDO-RS (PS3.18 §10.6) walks studies, their series and each series' instances
 * (pages of {@value #PAGE} by default, with {@code limit}/{@code offset}, PS3.18 §8.3.4.4), and WADO-RS (PS3.18
 * §10.4) retrieves each instance with {@code transfer-syntax=*} so the archive sends the bytes it
 * holds instead of transcoding them (PS3.18 §8.7.3.5.2); a server that refuses {@code *} is asked
 * again for its default. The multipart response is read part by part straight into staging files.
 * Optional HTTP basic credentials or a bearer token; redirects are not followed (they could carry
 * the credentials to another host). One item per instance: key {@code study/series/instance}.
 *
 * <p>Memory: one page of studies and the instance UIDs of one series at a time. The order is the
 * server's study order page by page (QIDO-RS defines none), series and instances sorted by UID.
 */
final class DicomWebSource implements ImportSource {

    static final int PAGE = 500;
    private static final int MAX_JSON_BYTES = 64 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final String DICOM_ANY = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private static final String DICOM_DEFAULT = "multipart/related; type=\"application/dicom\"";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int page;
    private final String root;
    private final String user;
    private final String authorization;
    private final HttpClient http;

    DicomWebSource(SourceSpec spec) throws IOException {
        this(spec, PAGE);
    }

    /** With another QIDO-RS page size (tests walk several pages of a small archive). */
    DicomWebSource(SourceSpec spec, int page) throws IOException {
        this.page = page;
        String url = spec.dicomwebUri().toString();
        root = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        user = spec.username();
        if (spec.bearerToken() != null) {
            authorization = "Bearer " + spec.bearerToken();
        } else if (spec.username() != null) {
            String pair = spec.username() + ":" + (spec.password() == null ? "" : spec.password());
            authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        } else {
            authorization = null;
        }
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(Tls.context(spec.caFilePath())).build();
    }

    @Override
    public String display() {
        return Keys.printable(root);
    }

    @Override
    public String key() {
        // A user may see other studies than another on the same server; a bearer token changes per run.
        return "dicomweb:" + Keys.printable(root) + (user == null ? "" : " as " + Keys.printable(user));
    }

    // ---- listing (QIDO-RS) -----------------------------------------------------------------------

    @Override
    public void list(Consumer<SourceItem> items, BiConsumer<String, String> errors) throws IOException {
        String previousFirst = null;
        for (int offset = 0;; offset += page) {
            JsonNode matches = qido("/studies?limit=" + page + "&offset=" + offset + "&includefield=0020000D");
            List<String> studies = uids(matches, "0020000D", errors, "studies");
            if (studies.isEmpty()) {
                return;
            }
            if (offset > 0 && studies.getFirst().equals(previousFirst)) {
                errors.accept("studies", "the server ignores offset: listing stopped after " + offset + " studies");
                return;
            }
            previousFirst = studies.getFirst();
            for (String study : studies) {
                listStudy(study, items, errors);
            }
            if (matches.size() < page) {
                return;
            }
        }
    }

    private void listStudy(String study, Consumer<SourceItem> items, BiConsumer<String, String> errors) {
        List<String> series;
        try {
            series = uids(qido("/studies/" + study + "/series?includefield=0020000E"), "0020000E", errors, study);
        } catch (IOException e) {
            errors.accept(study, Keys.message(e));
            return;
        }
        series.sort(null);
        for (String serie : series) {
            String path = "/studies/" + study + "/series/" + serie + "/instances";
            List<String> instances = new ArrayList<>();
            try {
                for (int offset = 0;; offset += page) {
                    JsonNode matches = qido(path + "?limit=" + page + "&offset=" + offset + "&includefield=00080018");
                    List<String> uids = uids(matches, "00080018", errors, study + "/" + serie);
                    if (uids.isEmpty() || offset > 0 && instances.contains(uids.getFirst())) {
                        break;
                    }
                    instances.addAll(uids);
                    if (matches.size() < page) {
                        break;
                    }
                }
            } catch (IOException e) {
                errors.accept(study + "/" + serie, Keys.message(e));
                continue;
            }
            instances.stream().distinct().sorted().forEach(i -> items.accept(new SourceItem(study + "/" + serie + "/" + i, -1)));
        }
    }

    /** The UIDs of a QIDO-RS result (DICOM JSON, PS3.18 §F.2), in page order; malformed ones reported. */
    private static List<String> uids(JsonNode page, String tag, BiConsumer<String, String> errors, String where) {
        List<String> uids = new ArrayList<>();
        for (JsonNode match : page) {
            String uid = match.path(tag).path("Value").path(0).asText("");
            if (UID.matcher(uid).matches() && uid.length() <= 64) {
                uids.add(uid);
            } else {
                errors.accept(where, "a match without a usable " + tag + " UID");
            }
        }
        return uids;
    }

    private JsonNode qido(String pathAndQuery) throws IOException {
        HttpResponse<InputStream> response = send(request(pathAndQuery).header("Accept", "application/dicom+json"));
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 204) {
                return JSON.createArrayNode();
            }
            if (status != 200) {
                throw failure("QIDO-RS", status);
            }
            byte[] bytes = body.readNBytes(MAX_JSON_BYTES + 1);
            if (bytes.length > MAX_JSON_BYTES) {
                throw new IOException("QIDO-RS answer larger than " + MAX_JSON_BYTES + " bytes");
            }
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isArray()) {
                throw new IOException("QIDO-RS answer is not a DICOM JSON array");
            }
            return node;
        }
    }

    // ---- fetching (WADO-RS) ----------------------------------------------------------------------

    @Override
    public void fetch(SourceItem item, StagingFiles staging, ObjectConsumer objects) throws IOException {
        String[] uids = item.key().split("/");
        if (uids.length != 3 || !List.of(uids).stream().allMatch(u -> UID.matcher(u).matches() && u.length() <= 64)) {
            throw new IOException("malformed item key");
        }
        String path = "/studies/" + uids[0] + "/series/" + uids[1] + "/instances/" + uids[2];
        HttpResponse<InputStream> response = send(request(path).header("Accept", DICOM_ANY));
        if (response.statusCode() == 406 || response.statusCode() == 400) {
            response.body().close();
            response = send(request(path).header("Accept", DICOM_DEFAULT));
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                throw new IOException("instance no longer on the server (HTTP 404)");
            }
            if (response.statusCode() != 200) {
                throw failure("WADO-RS", response.statusCode());
            }
            String boundary;
            try {
                ContentType type = ContentType.parse(response.headers().firstValue("Content-Type").orElse(""));
                boundary = type.param("boundary");
                if (!type.mediaType().equals("multipart/related") || boundary == null) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new IOException("WADO-RS answer is not multipart/related with a boundary");
            }
            MultipartRelatedReader reader = new MultipartRelatedReader(body, boundary);
            int index = 0;
            for (MultipartRelatedReader.Part part; (part = reader.nextPart()) != null; index++) {
                String key = index == 0 ? item.key() : item.key() + "#" + (index + 1);
                Path file = staging.newFile();
                try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
                    part.body().transferTo(out);
                } catch (IOException e) {
                    Files.deleteIfExists(file);
                    throw new IOException("WADO-RS answer broken off: " + Keys.message(e), e);
                }
                objects.accept(key, file);
            }
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root + pathAndQuery)).timeout(TIMEOUT).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw new IOException("DICOMweb server " + display() + " unreachable: " + Keys.message(e), e);
        }
    }

    private static IOException failure(String transaction, int status) {
        return switch (status) {
            case 401 -> new IOException("the DICOMweb server refused the credentials (HTTP 401)");
            case 403 -> new IOException("the DICOMweb server denied access (HTTP 403)");
            case 404 -> new IOException(transaction + " answered HTTP 404 (is the url the DICOMweb service root?)");
            default -> new IOException(transaction + " answered HTTP " + status);
        };
    }

    @Override
    public void close() {
        http.close();
    }
}
