package io.dicomgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DicomWebTransactionTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            GET     | /dicomweb/studies                                                        | qido
            GET     | /dicomweb/series                                                         | qido
            GET     | /dicomweb/instances                                                      | qido
            GET     | /dicomweb/studies/{studyUid}/series                                      | qido
            GET     | /dicomweb/studies/{studyUid}/instances                                   | qido
            GET     | /dicomweb/studies/{studyUid}/series/{seriesUid}/instances                | qido
            GET     | /dicomweb/studies/{studyUid}                                             | wado
            HEAD    | /dicomweb/studies/{studyUid}/series/{seriesUid}                          | wado
            GET     | /dicomweb/studies/{studyUid}/series/{seriesUid}/instances/{instanceUid}  | wado
            GET     | /dicomweb/studies/{studyUid}/metadata                                    | metadata
            GET     | /dicomweb/studies/{studyUid}/series/{seriesUid}/instances/{instanceUid}/metadata | metadata
            GET     | /dicomweb/studies/{studyUid}/series/{seriesUid}/instances/{instanceUid}/frames/{frameList} | frames
            GET     | /dicomweb/studies/{studyUid}/series/{seriesUid}/instances/{instanceUid}/bulkdata/{tag} | bulkdata
            GET     | /dicomweb/studies/{studyUid}/rendered                                    | rendered
            GET     | /dicomweb/studies/{studyUid}/series/{seriesUid}/instances/{instanceUid}/frames/{frameList}/rendered | rendered
            GET     | /dicomweb/studies/{studyUid}/series/{seriesUid}/thumbnail                | thumbnail
            GET     | /dicomweb/studies/{studyUid}/series/{seriesUid}/instances/{instanceUid}/frames/{frameList}/thumbnail | thumbnail
            POST    | /dicomweb/studies                                                        | stow
            POST    | /dicomweb/studies/{studyUid}                                             | stow
            OPTIONS | null                                                                     | capabilities
            OPTIONS | /dicomweb/studies/{studyUid}                                             | capabilities
            GET     | null                                                                     | unmatched
            POST    | null                                                                     | unmatched
            """)
    void transactionComesFromMethodAndTemplate(String method, String template, String expected) {
        assertEquals(expected, DicomWebTransaction.of(method, template).tag());
    }
}
