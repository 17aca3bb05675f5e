package io.dicomgate.imports.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a client asks to import from (JSON body of {@code POST /api/imports}). {@link #toString()}
 * never shows the password or the bearer token, and Jackson reads them but never writes them: a
 * spec serialized into a job row or a report holds no secret ({@link #withoutSecrets()} for the same
 * in Java).
 *
 * @param type          {@code folder}, {@code ftp}, {@code dicomweb} or {@code dimse}
 * @param path          folder: absolute path of the directory tree
 * @param url           ftp: {@code ftp://host[:port]/dir} ({@code ftps://} is implicit TLS, port 990
 *                      by default); dicomweb: the service root, {@code http(s)://host[:port]/dicom-web}.
 *                      Never with a password in it.
 * @param username      ftp, dicomweb (HTTP basic); ftp without one logs in as {@code anonymous}
 * @param password      ftp, dicomweb (HTTP basic)
 * @param bearerToken   dicomweb: sent as {@code Authorization: Bearer}
 * @param host          dimse: the archive's host name or address
 * @param port          dimse: its DICOM port
 * @param calledAe      dimse: the archive's AE title
 * @param callingAe     dimse: ours, as the archive knows it (default {@code DICOMGATE})
 * @param retrieve      dimse: {@code C-GET} (default; {@code C-MOVE} is not offered yet)
 * @param tls           ftp: {@code none} (default for ftp://), {@code explicit} (AUTH TLS) or
 *                      {@code implicit} (default for ftps://)
 * @param caFile        ftp with TLS, https dicomweb: a PEM file of the certificates to trust instead of
 *                      the JDK's trust store (the host name is still checked)
 * @param maxEntryBytes folder and ftp zip archives: most uncompressed bytes of one entry (default 4 GiB)
 */
public record SourceSpec(String type, String path, String url, String username,
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) String password,
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) String bearerToken, String host, Integer port, String calledAe, String callingAe, String retrieve,
        String tls, String caFile, Long maxEntryBytes) {

    public static final String FOLDER = "folder";
    public static final String FTP = "ftp";
    public static final String DICOMWEB = "dicomweb";
    public static final String DIMSE = "dimse";
    public static final String C_GET = "C-GET";
    public static final String C_MOVE = "C-MOVE";
    public static final String DEFAULT_CALLING_AE = "DICOMGATE";
    public static final long DEFAULT_MAX_ENTRY_BYTES = 4L << 30;

    /** A folder tree. */
    public static SourceSpec folder(String path) {
        return new SourceSpec(FOLDER, path, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** An FTP(S) server. */
    public static SourceSpec ftp(String url, String username, String password, String tls, String caFile) {
        return new SourceSpec(FTP, null, url, username, password, null, null, null, null, null, null, tls, caFile, null);
    }

    /** A DICOMweb service with optional basic credentials or a bearer token. */
    public static SourceSpec dicomweb(String url, String username, String password, String bearerToken) {
        return new SourceSpec(DICOMWEB, null, url, username, password, bearerToken, null, null, null, null, null, null,
                null, null);
    }

    /** A DIMSE archive (C-FIND, then C-GET). */
    public static SourceSpec dimse(String host, int port, String calledAe, String callingAe) {
        return new SourceSpec(DIMSE, null, null, null, null, null, host, port, calledAe, callingAe, C_GET, null, null,
                null);
    }

    /** The same spec without password and bearer token, e.g. to keep with the job. */
    public SourceSpec withoutSecrets() {
        return new SourceSpec(type, path, url, username, null, null, host, port, calledAe, callingAe, retrieve, tls, caFile,
                maxEntryBytes);
    }

    /** The type, lower-cased; IllegalArgumentException when missing or unknown. */
    public String kind() {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("type is required: folder, ftp, dicomweb or dimse");
        }
        String kind = type.strip().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case FOLDER, FTP, DICOMWEB, DIMSE -> kind;
            default -> throw new IllegalArgumentException("unknown source type '" + Keys.printable(type)
                    + "': folder, ftp, dicomweb or dimse");
        };
    }

    /** Checks every field the type uses; IllegalArgumentException with a message for the client. */
    public void validate() {
        switch (kind()) {
            case FOLDER -> folderPath();
            case FTP -> {
                ftpUri();
                ftpTls();
                caFilePath();
            }
            case DICOMWEB -> {
                dicomwebUri();
                if (bearerToken != null && (username != null || password != null)) {
                    throw new IllegalArgumentException("give either username/password or bearerToken, not both");
                }
                if (password != null && username == null) {
                    throw new IllegalArgumentException("password without username");
                }
                if (bearerToken != null && (bearerToken.isBlank() || !bearerToken.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
                    throw new IllegalArgumentException("bearerToken must be printable ASCII without spaces");
                }
                caFilePath();
            }
            case DIMSE -> {
                if (host == null || host.isBlank() || !host.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    throw new IllegalArgumentException("host is required for a dimse source");
                }
                if (port == null || port < 1 || port > 65535) {
                    throw new IllegalArgumentException("port is required for a dimse source (1-65535)");
                }
                aeTitle("calledAe", calledAe);
                aeTitle("callingAe", callingAeOrDefault());
                retrieveMethod();
            }
            default -> throw new IllegalStateException();
        }
        if (maxEntryBytes != null && maxEntryBytes < 1) {
            throw new IllegalArgumentException("maxEntryBytes must be positive");
        }
    }

    Path folderPath() {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path is required for a folder source");
        }
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("path is not a valid path");
        }
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException("path must be absolute");
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException("path is not a readable directory: " + Keys.printable(path));
        }
        return p.normalize();
    }

    URI ftpUri() {
        URI uri = uri("url", url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ftp") && !scheme.equals("ftps")) {
            throw new IllegalArgumentException("url of an ftp source must start with ftp:// or ftps://");
        }
        requireHost(uri);
        if (uri.getRawUserInfo() != null) {
            if (uri.getRawUserInfo().contains(":")) {
                throw new IllegalArgumentException("url must not hold a password: give it in the password field");
            }
            if (username != null) {
                throw new IllegalArgumentException("user given twice: in url and in username");
            }
        }
        return uri;
    }

    /** none, explicit or implicit. */
    String ftpTls() {
        boolean ftps = "ftps".equalsIgnoreCase(ftpUri().getScheme());
        if (tls == null || tls.isBlank()) {
            return ftps ? "implicit" : "none";
        }
        String mode = tls.strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("none") && !mode.equals("explicit") && !mode.equals("implicit")) {
            throw new IllegalArgumentException("tls must be none, explicit (AUTH TLS) or implicit");
        }
        if (ftps && mode.equals("none")) {
            throw new IllegalArgumentException("ftps:// uses TLS: tls cannot be none");
        }
        return mode;
    }

    /** The FTP user: username, else the one in the URL, else anonymous. */
    String ftpUser() {
        String inUrl = ftpUri().getUserInfo();
        return username != null ? username : inUrl != null ? inUrl : "anonymous";
    }

    URI dicomwebUri() {
        URI uri = uri("url", url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url of a dicomweb source must start with http:// or https://");
        }
        requireHost(uri);
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url must not hold credentials: use username/password or bearerToken");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("url is the service root: no query or fragment");
        }
        return uri;
    }

    Path caFilePath() {
        if (caFile == null) {
            return null;
        }
        try {
            Path p = Path.of(caFile);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new IllegalArgumentException("caFile is not a readable file: " + Keys.printable(caFile));
            }
            return p;
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("caFile is not a valid path");
        }
    }

    String callingAeOrDefault() {
        return callingAe == null ? DEFAULT_CALLING_AE : callingAe;
    }

    String retrieveMethod() {
        String method = retrieve == null ? C_GET : retrieve.strip().toUpperCase(Locale.ROOT);
        if (method.equals(C_MOVE)) {
            throw new IllegalArgumentException("retrieve C-MOVE is not offered yet: use C-GET");
        }
        if (!method.equals(C_GET)) {
            throw new IllegalArgumentException("retrieve must be C-GET or C-MOVE");
        }
        return method;
    }

    long maxEntryBytesOrDefault() {
        return maxEntryBytes == null ? DEFAULT_MAX_ENTRY_BYTES : maxEntryBytes;
    }

    private static URI uri(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        try {
            return new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(field + " is not a valid URL");
        }
    }

    private static void requireHost(URI uri) {
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("url has no host");
        }
    }

    /** PS3.5 §6.2: an AE title is 1-16 characters of the default repertoire, no backslash, not all spaces. */
    private static void aeTitle(String field, String value) {
        if (value == null || value.isBlank() || value.length() > 16
                || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '\\')) {
            throw new IllegalArgumentException(field + " must be an AE title: 1-16 printable characters, no backslash");
        }
    }

    @Override
    public String toString() {
        return "SourceSpec[type=" + type + ", path=" + path + ", url=" + Keys.redactUrl(url) + ", username=" + username
                + ", password=" + (password == null ? "null" : "***") + ", bearerToken="
                + (bearerToken == null ? "null" : "***") + ", host=" + host + ", port=" + port + ", calledAe="
                + calledAe + ", callingAe=" + callingAe + ", retrieve=" + retrieve + ", tls=" + tls + ", caFile="
                + caFile + ", maxEntryBytes=" + maxEntryBytes + "]";
    }
}
