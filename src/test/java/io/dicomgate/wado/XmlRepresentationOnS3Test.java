package io.dicomgate.wado;

import io.dicomgate.testsupport.S3TestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link XmlRepresentationTest} with the S3 blob store on a real S3 server (s3proxy). */
@QuarkusTest
@TestProfile(S3TestResource.OnS3.class)
class XmlRepresentationOnS3Test extends XmlRepresentationTest {
}
