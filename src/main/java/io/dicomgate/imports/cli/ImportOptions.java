package io.dicomgate.imports.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@code bin/import}, parsed once: what to do, the job spec of
 * {@code POST /api/imports} for a source, and how to authenticate. Secrets come from files or the
 * environment only (a command line shows in every user's process list); each secret read is kept in
 * {@link #secrets()} so that nothing printed can carry it.
 */
record ImportOptions(Mode mode, String jobId, Map<String, Object> jobSpec, URI server, Auth auth, boolean detach,
        boolean quiet, boolean debug, List<String> secrets) {

    enum Mode { IMPORT, STATUS, REPORT, CANCEL, HELP }

    /** How the command authenticates to dicomgate. */
    sealed interface Auth {
        /** A bearer token from {@code DICOMGATE_TOKEN} or {@code --token-file}, used as is. */
        record Token(String token) implements Auth {
        }

        /** OAuth 2.0 client credentials grant (RFC 6749 §4.4) at {@code tokenUrl}. */
        record ClientCredentials(URI tokenUrl, String clientId, String clientSecret) implements Auth {
        }
    }

    static final String ENV_SERVER = "DICOMGATE_URL";
    static final String ENV_TOKEN = "DICOMGATE_TOKEN";
    static final String ENV_CLIENT_SECRET = "DICOMGATE_CLIENT_SECRET";
    static final String ENV_SOURCE_PASSWORD = "DICOMGATE_IMPORT_PASSWORD";
    static final String DEFAULT_SERVER = "http://localhost:8080";
    static final String DEFAULT_CALLING_AE = "DICOMGATE";
    static final int MAX_PARALLEL = 16;

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final List<String> VALUE_OPTIONS = List.of("--server", "--parallel", "--password-file",
            "--bearer-token-file", "--trust-pem", "--calling-ae", "--retrieve", "--token-file", "--token-url", "--client-id",
            "--client-secret-file", "--status", "--report", "--cancel");
    private static final List<String> FLAGS = List.of("--detach", "--quiet", "--debug", "--help", "-h");
    /** Options people reach for that would put a secret on the command line. */
    private static final Map<String, String> REFUSED = Map.of(
            "--password", "--password-file FILE or " + ENV_SOURCE_PASSWORD,
            "--token", "--token-file FILE or " + ENV_TOKEN,
            "--bearer-token", "--bearer-token-file FILE",
            "--client-secret", "--client-secret-file FILE or " + ENV_CLIENT_SECRET);

    /**
     * Parses {@code args}; {@code env} is the process environment and {@code cwd} the folder a relative
     * source path is resolved against.
     */
    static ImportOptions parse(List<String> args, Map<String, String> env, Path cwd) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                positional.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (REFUSED.containsKey(name)) {
                throw new UsageException(name + " is not an option: a secret on the command line shows in the process list;"
                        + " use " + REFUSED.get(name));
            }
            if (FLAGS.contains(name) && eq < 0) {
                flags.add(name);
            } else if (VALUE_OPTIONS.contains(name)) {
                String value;
                if (eq > 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(name + " needs a value");
                }
                if (values.put(name, value) != null) {
                    throw new UsageException(name + " is given twice");
                }
            } else {
                throw new UsageException("unknown option " + name + " (see bin/import --help)");
            }
        }
        boolean debug = flags.contains("--debug");
        if (flags.contains("--help") || flags.contains("-h")) {
            return new ImportOptions(Mode.HELP, null, null, null, null, false, false, debug, List.of());
        }
        List<String> secrets = new ArrayList<>();
        Mode mode = Mode.IMPORT;
        String jobId = null;
        for (Mode m : List.of(Mode.STATUS, Mode.REPORT, Mode.CANCEL)) {
            String id = values.remove("--" + m.name().toLowerCase(Locale.ROOT));
            if (id != null) {
                if (jobId != null) {
                    throw new UsageException("give one of --status, --report and --cancel");
                }
                if (!JOB_ID.matcher(id).matches()) {
                    throw new UsageException("not a job id: " + id);
                }
                mode = m;
                jobId = id;
            }
        }
        Map<String, Object> spec = null;
        if (mode == Mode.IMPORT) {
            if (positional.size() != 1) {
                throw new UsageException(positional.isEmpty() ? "what to import? give a SOURCE (see bin/import --help)"
                        : "give one SOURCE (several arguments left: quote a folder name with spaces)");
            }
            spec = jobSpec(positional.get(0), values, env, cwd, secrets);
        } else if (!positional.isEmpty()) {
            throw new UsageException("--" + mode.name().toLowerCase(Locale.ROOT) + " takes no SOURCE");
        } else {
            for (String sourceOption : List.of("--parallel", "--password-file", "--bearer-token-file", "--trust-pem",
                    "--calling-ae", "--retrieve")) {
                if (values.containsKey(sourceOption)) {
                    throw new UsageException(sourceOption + " goes with a SOURCE, not with --"
                            + mode.name().toLowerCase(Locale.ROOT));
                }
            }
        }
        String serverText = values.getOrDefault("--server", env.getOrDefault(ENV_SERVER, DEFAULT_SERVER));
        URI server = httpUrl(serverText, "--server");
        Auth auth = auth(values, env, secrets);
        return new ImportOptions(mode, jobId, spec, server, auth, flags.contains("--detach"), flags.contains("--quiet"),
                debug, List.copyOf(secrets));
    }

    /** The body of {@code POST /api/imports} for {@code source}. */
    private static Map<String, Object> jobSpec(String source, Map<String, String> values, Map<String, String> env,
            Path cwd, List<String> secrets) throws UsageException {
        Matcher scheme = SCHEME.matcher(source);
        String type = scheme.find() ? scheme.group(1).toLowerCase(Locale.ROOT) : "folder";
        Map<String, Object> spec = switch (type) {
            case "folder", "file" -> folder(source, type.equals("file"), cwd);
            case "ftp", "ftps" -> ftp(url(source), values, env, secrets);
            case "dicomweb+http", "dicomweb+https" -> dicomweb(url(source), values, env, secrets);
            case "dicom" -> dimse(url(source), values);
            default -> throw new UsageException("unknown source type " + type + "://; a SOURCE is a folder, ftp://,"
                    + " ftps://, dicomweb+http(s):// or dicom:// (see bin/import --help)");
        };
        if (!type.equals("dicom") && (values.containsKey("--calling-ae") || values.containsKey("--retrieve"))) {
            throw new UsageException("--calling-ae and --retrieve go with a dicom:// source");
        }
        if (!type.equals("ftps") && values.containsKey("--trust-pem")) {
            throw new UsageException("--trust-pem goes with an ftps:// source");
        }
        if (!type.startsWith("dicomweb") && values.containsKey("--bearer-token-file")) {
            throw new UsageException("--bearer-token-file goes with a dicomweb+http(s):// source");
        }
        if ((type.equals("folder") || type.equals("file") || type.equals("dicom")) && values.containsKey("--password-file")) {
            throw new UsageException("--password-file goes with an ftp, ftps or DICOMweb source");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", spec);
        String parallel = values.get("--parallel");
        if (parallel != null) {
            body.put("parallelism", parallelism(parallel));
        }
        return body;
    }

    private static Map<String, Object> folder(String source, boolean fileUrl, Path cwd) throws UsageException {
        Path path;
        try {
            path = fileUrl ? Path.of(url(source)) : cwd.resolve(source);
        } catch (IllegalArgumentException e) {
            throw new UsageException("not a folder path: " + source);
        }
        return ordered("type", "folder", "path", path.toAbsolutePath().normalize().toString());
    }

    private static Map<String, Object> ftp(URI url, Map<String, String> values, Map<String, String> env,
            List<String> secrets) throws UsageException {
        requireHostOnly(url);
        String user = url.getUserInfo();
        String password = sourcePassword(values, env, user != null);
        if (user == null) {
            // RFC 1635 anonymous FTP: by convention the password is an e-mail-like address
            user = "anonymous";
            password = password != null ? password : "anonymous@";
        } else if (password == null) {
            throw new UsageException("the FTP user " + user + " needs a password: --password-file FILE or "
                    + ENV_SOURCE_PASSWORD);
        }
        secrets.add(password);
        Map<String, Object> spec = ordered("type", "ftp", "url", withoutUserInfo(url), "username", user, "password",
                password);
        String trustPem = values.get("--trust-pem");
        if (trustPem != null) {
            spec.put("trustPem", Path.of(trustPem).toAbsolutePath().normalize().toString());
        }
        return spec;
    }

    private static Map<String, Object> dicomweb(URI url, Map<String, String> values, Map<String, String> env,
            List<String> secrets) throws UsageException {
        if (url.getHost() == null) {
            throw new UsageException("a DICOMweb source needs a host: dicomweb+https://host:port/path");
        }
        if (url.getRawFragment() != null) {
            throw new UsageException("a DICOMweb source URL takes no #fragment");
        }
        String user = url.getUserInfo();
        String bearerFile = values.get("--bearer-token-file");
        Map<String, Object> spec = ordered("type", "dicomweb", "url", withoutUserInfo(url).substring("dicomweb+".length()));
        if (user != null && bearerFile != null) {
            throw new UsageException("give a user in the URL (basic auth) or --bearer-token-file, not both");
        }
        if (user != null) {
            String password = sourcePassword(values, env, true);
            if (password == null) {
                throw new UsageException("the DICOMweb user " + user + " needs a password: --password-file FILE or "
                        + ENV_SOURCE_PASSWORD);
            }
            secrets.add(password);
            spec.put("username", user);
            spec.put("password", password);
        } else if (values.containsKey("--password-file")) {
            throw new UsageException("--password-file needs a user in the URL: dicomweb+https://USER@host/path");
        }
        if (bearerFile != null) {
            String token = secretFile(bearerFile, "--bearer-token-file").strip();
            secrets.add(token);
            spec.put("bearerToken", token);
        }
        return spec;
    }

    private static Map<String, Object> dimse(URI url, Map<String, String> values) throws UsageException {
        String calledAe = url.getUserInfo();
        if (calledAe == null || url.getHost() == null) {
            throw new UsageException("a DIMSE source is dicom://CALLEDAE@host:port (the archive's AE title)");
        }
        if (!(url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/"))
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new UsageException("a DIMSE source is dicom://CALLEDAE@host:port, with no path");
        }
        String callingAe = values.getOrDefault("--calling-ae", DEFAULT_CALLING_AE);
        aeTitle(calledAe, "the called AE title");
        aeTitle(callingAe, "--calling-ae");
        String retrieve = values.getOrDefault("--retrieve", "C-GET").toUpperCase(Locale.ROOT);
        if (!retrieve.equals("C-GET") && !retrieve.equals("C-MOVE")) {
            throw new UsageException("--retrieve is C-GET or C-MOVE");
        }
        return ordered("type", "dimse", "host", url.getHost(), "port", url.getPort() < 0 ? 104 : url.getPort(),
                "calledAe", calledAe, "callingAe", callingAe, "retrieve", retrieve);
    }

    /** PS3.5 §6.2, VR AE: at most 16 characters, no backslash or control character, not only spaces. */
    private static void aeTitle(String ae, String what) throws UsageException {
        if (ae.isBlank() || ae.length() > 16 || ae.chars().anyMatch(c -> c < 0x20 || c == '\\' || c > 0x7e)) {
            throw new UsageException(what + " is an AE title: 1 to 16 characters, no backslash (PS3.5 §6.2)");
        }
    }

    private static int parallelism(String text) throws UsageException {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_PARALLEL) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new UsageException("--parallel is a number from 1 to " + MAX_PARALLEL);
    }

    private static Auth auth(Map<String, String> values, Map<String, String> env, List<String> secrets)
            throws UsageException {
        String tokenFile = values.get("--token-file");
        String tokenUrl = values.get("--token-url");
        String clientId = values.get("--client-id");
        String secretFile = values.get("--client-secret-file");
        if (tokenFile != null && tokenUrl != null) {
            throw new UsageException("give --token-file or --token-url (client credentials), not both");
        }
        if (tokenUrl == null && (clientId != null || secretFile != null)) {
            throw new UsageException("--client-id and --client-secret-file go with --token-url");
        }
        if (tokenUrl != null) {
            if (clientId == null) {
                throw new UsageException("--token-url needs --client-id");
            }
            String secret = secretFile != null ? secretFile(secretFile, "--client-secret-file").strip()
                    : env.get(ENV_CLIENT_SECRET);
            if (secret == null || secret.isEmpty()) {
                throw new UsageException("the client secret: --client-secret-file FILE or " + ENV_CLIENT_SECRET);
            }
            secrets.add(secret);
            return new Auth.ClientCredentials(httpUrl(tokenUrl, "--token-url"), clientId, secret);
        }
        String token = tokenFile != null ? secretFile(tokenFile, "--token-file").strip() : env.get(ENV_TOKEN);
        if (token == null || token.isBlank()) {
            throw new UsageException("no credentials for dicomgate: set " + ENV_TOKEN + ", or give --token-file FILE,"
                    + " or --token-url URL --client-id ID with --client-secret-file FILE or " + ENV_CLIENT_SECRET);
        }
        token = token.strip();
        secrets.add(token);
        return new Auth.Token(token);
    }

    /** The source password: {@code --password-file}, else the environment when the source has a user. */
    private static String sourcePassword(Map<String, String> values, Map<String, String> env, boolean hasUser)
            throws UsageException {
        String file = values.get("--password-file");
        if (file != null) {
            return secretFile(file, "--password-file");
        }
        String fromEnv = env.get(ENV_SOURCE_PASSWORD);
        return hasUser && fromEnv != null && !fromEnv.isEmpty() ? fromEnv : null;
    }

    /** A secret file's content without its final line break (a password may hold other white space). */
    private static String secretFile(String file, String option) throws UsageException {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | InvalidPathException e) {
            throw new UsageException(option + ": cannot read " + file);
        }
        text = text.replaceFirst("\\r?\\n\\z", "");
        if (text.isEmpty()) {
            throw new UsageException(option + ": " + file + " is empty");
        }
        return text;
    }

    /**
     * Parses a source URL, refusing a password in it before anything else: the message must not repeat
     * the argument, which then holds the password.
     */
    private static URI url(String text) throws UsageException {
        refusePasswordIn(text, "the source");
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new UsageException("not a valid URL: " + text + " (" + e.getReason() + ")");
        }
    }

    private static URI httpUrl(String text, String what) throws UsageException {
        refusePasswordIn(text, what);
        URI uri;
        try {
            uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (URISyntaxException e) {
            throw new UsageException(what + " is not a valid URL: " + text);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
            throw new UsageException(what + " is an http:// or https:// URL: " + text);
        }
        if (uri.getRawUserInfo() != null) {
            throw new UsageException(what + " takes no user in the URL");
        }
        return uri;
    }

    static void refusePasswordIn(String text, String what) throws UsageException {
        Matcher scheme = SCHEME.matcher(text);
        if (!scheme.find()) {
            return;
        }
        String rest = text.substring(scheme.end());
        int end = rest.length();
        for (char c : new char[] { '/', '?', '#' }) {
            int at = rest.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String authority = rest.substring(0, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0 && authority.substring(0, at).contains(":")) {
            throw new UsageException("a password in the URL of " + what + " would show in the process list and the"
                    + " shell history: remove it (keep user@host) and give it with --password-file FILE or "
                    + ENV_SOURCE_PASSWORD);
        }
    }

    private static void requireHostOnly(URI url) throws UsageException {
        if (url.getHost() == null) {
            throw new UsageException("an FTP source needs a host: ftp://user@host:port/dir");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new UsageException("an FTP source URL takes no ?query or #fragment");
        }
    }

    /** {@code url} as text without its user part. */
    private static String withoutUserInfo(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
