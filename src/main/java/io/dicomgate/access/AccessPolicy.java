package io.dicomgate.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.dicomgate.access.Scopes.Compartment;
import io.dicomgate.access.Scopes.Permission;

/**
 * The one place that decides which patients a caller may read. Deny unless a rule allows.
 *
 * <p>The token's SMART scopes bound the reach (patient / user / system compartment, and r, s, c);
 * inside that, roles decide: {@code imaging-admin} everything; {@code patient} only their own
 * patient ID and issuer; {@code clinician} patients (or listed studies) with an active permit
 * and no active deny (opt-in), or without a deny (opt-out), and patients under an open
 * break-the-glass grant; system clients all or by consent, per configuration; {@code ingest}
 * nothing. The rule is SQL over the {@code patient} and {@code study} tables so that searches
 * apply it before paging and retrieves evaluate exactly the same rule. Consents and grants are
 * read on every request — revocation and expiry take effect immediately.
 */
@ApplicationScoped
public class AccessPolicy {

    private static final String ACTIVE = "c.status = 'active' AND c.period_start <= now()"
            + " AND (c.period_end IS NULL OR c.period_end > now())";

    private final DataSource dataSource;
    private final AccessConfig config;

    public AccessPolicy(DataSource dataSource, AccessConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /**
     * The studies the caller may read, as a predicate over {@code patient p} and {@code study st}
     * (joined on {@code st.patient_fk = p.pk}), for searches. Under the opt-in policy a consent-based
     * reach also carries the patients the grantee holds an active permit or open grant for, as
     * {@code st.patient_fk = ANY (...)}: the rule implies it, so no decision changes, but it lets the
     * database start from those few patients' studies instead of probing the consent rule on every
     * study of the index (at 50,000 studies a clinician's search went from ~110 ms to a few ms).
     *
     * @param permission {@link Permission#SEARCH} for QIDO, {@link Permission#READ} for WADO
     */
    public SqlFilter readableFilter(Caller caller, Permission permission) {
        return readableFilter(caller, permission, true);
    }

    /**
     * The same rule; {@code narrow} false leaves out the candidate patients, for statements pinned
     * to one study (retrieves, searches under a study UID), where the rule is a single probe and
     * listing the grantee's patients would only add cost.
     */
    public SqlFilter readableFilter(Caller caller, Permission permission, boolean narrow) {
        if (caller.share() != null) {
            return permission == Permission.READ || permission == Permission.SEARCH ? shared(caller.share()) : SqlFilter.NONE;
        }
        Scopes scopes = Scopes.of(caller.scopes());
        List<SqlFilter> reach = new ArrayList<>();
        for (Compartment compartment : scopes.compartmentsFor(permission)) {
            Optional<SqlFilter> part = switch (compartment) {
                case PATIENT -> ownPatient(caller);
                case USER -> userReach(caller, narrow);
                case SYSTEM -> systemReach(caller, narrow);
            };
            if (part.isPresent() && part.get() == SqlFilter.ALL) {
                return SqlFilter.ALL;
            }
            part.ifPresent(reach::add);
        }
        return or(reach);
    }

    /**
     * Whether the caller may read the study, by the same rule as searches. An unknown study is
     * not readable either, so callers cannot tell the two apart.
     */
    public boolean canRead(Caller caller, Permission permission, String studyUid) {
        SqlFilter filter = readableFilter(caller, permission, false);
        if (filter == SqlFilter.NONE) {
            return false;
        }
        String sql = "SELECT 1 FROM study st JOIN patient p ON p.pk = st.patient_fk WHERE st.study_uid = ? AND ("
                + filter.sql() + ")";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, studyUid);
            bind(ps, 2, filter.params());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("access check failed", e);
        }
    }

    /** A stored study's patient, and whether the caller may read the study. */
    public record StudyAccess(PatientRef patient, boolean readable) {
    }

    /**
     * The study's patient and whether the caller may read it, in one query of one shape for every
     * study UID: an unknown study finds no row, a hidden one a row with {@code readable} false, so
     * neither the answer nor the work done tells them apart.
     */
    public Optional<StudyAccess> studyAccess(Caller caller, Permission permission, String studyUid) {
        SqlFilter filter = readableFilter(caller, permission, false);
        String readable = filter == SqlFilter.NONE ? "false" : "(" + filter.sql() + ")";
        String sql = "SELECT p.patient_id, p.issuer, " + readable
                + " FROM study st JOIN patient p ON p.pk = st.patient_fk WHERE st.study_uid = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int next = 1;
            if (filter != SqlFilter.NONE) {
                bind(ps, next, filter.params());
                next += filter.params().size();
            }
            ps.setString(next, studyUid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new StudyAccess(new PatientRef(rs.getString(1), rs.getString(2)),
                        rs.getBoolean(3))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("access check failed", e);
        }
    }

    /** Guard for retrieves: throws {@link AccessDeniedException} (answered as 404) unless readable. */
    public void requireRead(Caller caller, Permission permission, String studyUid) {
        if (!canRead(caller, permission, studyUid)) {
            throw new AccessDeniedException();
        }
    }

    /**
     * Whether the caller may store for any patient (a role that stores, and a {@code user/} or
     * {@code system/} create scope): what a bulk import needs, checked before it starts.
     */
    public boolean canStoreForAnyPatient(Caller caller) {
        Set<Compartment> compartments = Scopes.of(caller.scopes()).compartmentsFor(Permission.CREATE);
        return (compartments.contains(Compartment.USER) || compartments.contains(Compartment.SYSTEM))
                && (caller.hasRole(Roles.INGEST) || caller.hasRole(Roles.IMAGING_ADMIN));
    }

    /**
     * STOW-RS (PS3.18 §10.5): a {@code c} scope, and in it the reach to store for this patient —
     * {@code imaging-admin} and {@code ingest} any patient, a patient-compartment token only its own.
     */
    public boolean canStore(Caller caller, PatientRef patient) {
        for (Compartment compartment : Scopes.of(caller.scopes()).compartmentsFor(Permission.CREATE)) {
            boolean allowed = switch (compartment) {
                case PATIENT -> patient.equals(caller.patient())
                        && (caller.hasRole(Roles.INGEST) || caller.hasRole(Roles.IMAGING_ADMIN));
                case USER, SYSTEM -> caller.hasRole(Roles.INGEST) || caller.hasRole(Roles.IMAGING_ADMIN);
            };
            if (allowed) {
                return true;
            }
        }
        return false;
    }

    /** Whether the caller may open break-the-glass grants (clinician with emergency-access, user scope). */
    public boolean mayBreakGlass(Caller caller) {
        return caller.hasRole(Roles.CLINICIAN) && caller.hasRole(Roles.EMERGENCY_ACCESS)
                && Scopes.of(caller.scopes()).compartmentsFor(Permission.READ).contains(Compartment.USER);
    }

    /**
     * A share link's reach: the studies it names (or all of its patient's), while it is neither
     * revoked, locked nor expired, and unless the patient has made a deny consent since it was
     * created (a withdrawal of any kind stops every link). Read on every request, so revocation,
     * expiry and a new deny take effect on the next one.
     */
    private static SqlFilter shared(ShareGrant share) {
        return new SqlFilter("EXISTS (SELECT 1 FROM share_link sh WHERE sh.id = CAST(? AS uuid)"
                + " AND sh.revoked_at IS NULL AND sh.locked_at IS NULL AND sh.expires_at > now()"
                + " AND sh.patient_id = p.patient_id AND sh.issuer = p.issuer"
                + " AND (sh.all_studies OR EXISTS (SELECT 1 FROM share_link_study ss WHERE ss.share_fk = sh.id"
                + " AND ss.study_uid = st.study_uid))"
                + " AND NOT EXISTS (SELECT 1 FROM consent c WHERE c.patient_id = p.patient_id AND c.issuer = p.issuer"
                + " AND c.decision = 'deny' AND " + ACTIVE + " AND c.created_at > sh.created_at"
                + " AND (c.all_studies OR EXISTS (SELECT 1 FROM consent_study cs WHERE cs.consent_fk = c.pk"
                + " AND cs.study_uid = st.study_uid))))", List.of(share.id()));
    }

    private static Optional<SqlFilter> ownPatient(Caller caller) {
        PatientRef own = caller.patient();
        if (own == null) {
            return Optional.empty();
        }
        return Optional.of(new SqlFilter("(p.patient_id = ? AND p.issuer = ?)", List.of(own.patientId(), own.issuer())));
    }

    private Optional<SqlFilter> userReach(Caller caller, boolean narrow) {
        if (caller.hasRole(Roles.IMAGING_ADMIN)) {
            return Optional.of(SqlFilter.ALL);
        }
        List<SqlFilter> reach = new ArrayList<>();
        if (caller.hasRole(Roles.PATIENT)) {
            ownPatient(caller).ifPresent(reach::add);
        }
        if (caller.hasRole(Roles.CLINICIAN) && caller.subject() != null) {
            Grantee grantee = Grantee.user(caller);
            SqlFilter clinician = or(List.of(consented(grantee),
                    new SqlFilter("EXISTS (SELECT 1 FROM break_glass b WHERE b.subject = ?"
                            + " AND b.patient_id = p.patient_id AND b.issuer = p.issuer AND b.expires_at > now())",
                            List.of(caller.subject()))));
            reach.add(narrow ? narrowed(clinician, grantee, caller.subject()) : clinician);
        }
        return reach.isEmpty() ? Optional.empty() : Optional.of(or(reach));
    }

    private Optional<SqlFilter> systemReach(Caller caller, boolean narrow) {
        if (caller.hasRole(Roles.IMAGING_ADMIN)) {
            return Optional.of(SqlFilter.ALL);
        }
        // Only integration clients read by policy; ingest stores and never reads back.
        if (!caller.hasRole(Roles.INTEGRATION) || caller.clientId() == null) {
            return Optional.empty();
        }
        if (config.systemClientsReadAll().orElse(List.of()).contains(caller.clientId())) {
            return Optional.of(SqlFilter.ALL);
        }
        Grantee grantee = Grantee.client(caller.clientId());
        SqlFilter consented = consented(grantee);
        return Optional.of(narrow ? narrowed(consented, grantee, null) : consented);
    }

    /**
     * {@code reach} AND the study's patient is one the grantee holds an active permit for (any
     * studies) or, with {@code breakGlassSubject}, an open break-the-glass grant of that token subject. Under opt-in that is
     * necessary for {@code reach}, so the result decides exactly as {@code reach} does; under opt-out
     * a patient without any consent is reachable, so nothing narrows.
     */
    private SqlFilter narrowed(SqlFilter reach, Grantee grantee, String breakGlassSubject) {
        if (config.policyMode() == AccessConfig.PolicyMode.OPT_OUT) {
            return reach;
        }
        StringBuilder sql = new StringBuilder("(st.patient_fk = ANY (ARRAY(SELECT cp.pk FROM consent c JOIN patient cp"
                + " ON cp.patient_id = c.patient_id AND cp.issuer = c.issuer WHERE " + grantee.sql()
                + " AND c.decision = 'permit' AND " + ACTIVE);
        List<Object> params = new ArrayList<>(grantee.params());
        if (breakGlassSubject != null) {
            sql.append(" UNION ALL SELECT bp.pk FROM break_glass b JOIN patient bp ON bp.patient_id = b.patient_id"
                    + " AND bp.issuer = b.issuer WHERE b.subject = ? AND b.expires_at > now()");
            params.add(breakGlassSubject);
        }
        sql.append(")) AND ").append(reach.sql()).append(')');
        params.addAll(reach.params());
        return new SqlFilter(sql.toString(), params);
    }

    /**
     * Who a consent names, as a predicate over consent alias {@code c}: a user by account ({@code sub},
     * resolved through the user directory when the consent was made; rows made before that are matched
     * by username until the start-up backfill resolves them), a client by client id.
     */
    record Grantee(String sql, List<Object> params) {
        static Grantee user(Caller caller) {
            return new Grantee("c.grantee_type = 'user' AND (c.grantee_sub = ? OR (c.grantee_sub IS NULL AND c.grantee = ?))",
                    List.of(caller.subject(), String.valueOf(caller.username())));
        }

        static Grantee client(String clientId) {
            return new Grantee("c.grantee_type = 'client' AND c.grantee = ?", List.of(clientId));
        }
    }

    /** Consent rule for one grantee: permit and no deny (opt-in), or no deny (opt-out). A deny beats a permit. */
    private SqlFilter consented(Grantee grantee) {
        String deny = "NOT " + consentExists("deny", grantee);
        if (config.policyMode() == AccessConfig.PolicyMode.OPT_OUT) {
            return new SqlFilter("(" + deny + ")", grantee.params());
        }
        List<Object> params = new ArrayList<>(grantee.params());
        params.addAll(grantee.params());
        return new SqlFilter("(" + consentExists("permit", grantee) + " AND " + deny + ")", params);
    }

    private static String consentExists(String decision, Grantee grantee) {
        return "EXISTS (SELECT 1 FROM consent c WHERE " + grantee.sql()
                + " AND c.patient_id = p.patient_id AND c.issuer = p.issuer AND c.decision = '" + decision + "' AND "
                + ACTIVE + " AND (c.all_studies OR EXISTS (SELECT 1 FROM consent_study cs"
                + " WHERE cs.consent_fk = c.pk AND cs.study_uid = st.study_uid)))";
    }

    private static SqlFilter or(List<SqlFilter> parts) {
        if (parts.isEmpty()) {
            return SqlFilter.NONE;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        StringBuilder sql = new StringBuilder("(");
        List<Object> params = new ArrayList<>();
        for (SqlFilter part : parts) {
            if (sql.length() > 1) {
                sql.append(" OR ");
            }
            sql.append(part.sql());
            params.addAll(part.params());
        }
        return new SqlFilter(sql.append(')').toString(), params);
    }

    /** Binds filter parameters from {@code index} on. */
    public static void bind(PreparedStatement ps, int index, List<Object> params) throws SQLException {
        for (Object param : params) {
            ps.setObject(index++, param);
        }
    }
}
