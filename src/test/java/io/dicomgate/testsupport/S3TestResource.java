package io.dicomgate.testsupport;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The S3 blob store on the real s3proxy server for {@code @QuarkusTest}s: a fresh bucket per
 * application start. Test classes that run a suite on S3 extend the suite and use {@link OnS3}.
 */
public class S3TestResource implements QuarkusTestResourceLifecycleManager {

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @Override
    public Map<String, String> start() {
        return S3ProxyServer.shared().storageConfig("dicomgate-test-" + ProcessHandle.current().pid() + "-"
                + BUCKETS.incrementAndGet());
    }

    @Override
    public void stop() {
        // the shared server stops with the JVM
    }

    /** Runs a test class with the S3 blob store. */
    public static class OnS3 implements QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(S3TestResource.class));
        }
    }
}
