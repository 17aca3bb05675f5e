package io.dicomgate.dimse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.ingest.FailureReason;
import io.dicomgate.ingest.IngestResult;

/** The C-STORE status table of README "Modalities: DICOM C-STORE over TLS", and allow-list matching. */
class StoreStatusTest {

    @ParameterizedTest
    @CsvSource({
        "STORED,,                                0000",
        "ALREADY_PRESENT,,                       0000",
        "QUARANTINED,CANNOT_UNDERSTAND,          C000",
        "QUARANTINED,DATASET_MISMATCH,           A900",
        "QUARANTINED,DUPLICATE_SOP_INSTANCE,     C000",
        "QUARANTINED,TRANSFER_SYNTAX_NOT_SUPPORTED, C000",
        "REFUSED,NOT_AUTHORIZED,                 0124",
        "REFUSED,OUT_OF_RESOURCES,               A700",
        "REFUSED,PROCESSING_FAILURE,             A700",
        "REFUSED,DATASET_MISMATCH,               A900",
    })
    void ingestResultsMapToCStoreStatuses(IngestResult.Status status, FailureReason reason, String hex) {
        IngestResult result = new IngestResult(status, "1.2", "1.2.3", null, null, reason, null, List.of());
        assertEquals(Integer.parseInt(hex, 16), StoreStatus.of(result).status());
    }

    @ParameterizedTest
    @CsvSource({
        "CT1, 10.1.2.3,   true",
        "CT1, 10.1.2.4,   false",
        "CT1, 10.1.3.77,  true",
        "CT1, 10.1.4.1,   false",
        "CT2, 10.1.2.3,   false",
        "MR,  fd00::1:5,  true",
        "MR,  fd00::2:5,  false",
        "MR,  10.1.2.3,   false",
    })
    void anAeTitleMayCallOnlyFromItsAddresses(String ae, String address, boolean allowed) throws Exception {
        AllowList list = AllowList.of(Map.of("CT1", peer("10.1.2.3", "10.1.3.0/24"), "MR", peer("fd00::1:0/112")));
        assertEquals(allowed, list.match(ae, InetAddress.getByName(address)).isPresent());
    }

    @ParameterizedTest
    @CsvSource({ "ct.example.org", "10.1.2.3/33", "10.1.2", "10.1.2.3/x" })
    void hostNamesAndBadRangesAreRefusedAtStartUp(String address) {
        assertThrows(IllegalArgumentException.class, () -> AllowList.of(Map.of("CT1", peer(address))));
    }

    private static DimseConfig.AllowedPeer peer(String... addresses) {
        return new DimseConfig.AllowedPeer() {
            @Override
            public List<String> addresses() {
                return List.of(addresses);
            }

            @Override
            public String identity() {
                return "modality:test";
            }

            @Override
            public boolean requireUserIdentity() {
                return false;
            }
        };
    }
}
