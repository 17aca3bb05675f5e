package io.dicomgate.index;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.TypedQuery;

import io.quarkus.hibernate.orm.panache.PanacheRepository;

@ApplicationScoped
public class InstanceRepository implements PanacheRepository<Instance> {

    /**
     * The stored metadata (DICOM JSON members) of a study's instances, optionally narrowed to one series
     * and one instance, in series then instance number order.
     */
    public List<String> metadataInStudy(String studyUid, String seriesUid, String instanceUid) {
        return query("select i.metadataJson from Instance i join i.series s join s.study st", String.class,
                studyUid, seriesUid, instanceUid).getResultList();
    }

    private <T> TypedQuery<T> query(String select, Class<T> type, String studyUid, String seriesUid,
            String instanceUid) {
        Map<String, String> params = new LinkedHashMap<>();
        StringBuilder q = new StringBuilder(select).append(" where st.studyUid = :study");
        params.put("study", studyUid);
        if (seriesUid != null) {
            q.append(" and s.seriesUid = :series");
            params.put("series", seriesUid);
        }
        if (instanceUid != null) {
            q.append(" and i.sopInstanceUid = :instance");
            params.put("instance", instanceUid);
        }
        q.append(" order by s.seriesNumber nulls last, s.pk, i.instanceNumber nulls last, i.pk");
        TypedQuery<T> query = getEntityManager().createQuery(q.toString(), type);
        params.forEach(query::setParameter);
        return query;
    }
}
