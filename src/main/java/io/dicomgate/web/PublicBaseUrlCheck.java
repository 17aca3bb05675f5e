package io.dicomgate.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.StartupEvent;

/** A malformed {@code dicomgate.public-base-url} stops the start, rather than the first RetrieveURL. */
@ApplicationScoped
class PublicBaseUrlCheck {

    void check(@Observes StartupEvent start) {
        ConfigProvider.getConfig().getOptionalValue(DicomWebPaths.PUBLIC_BASE_URL, String.class)
                .ifPresent(DicomWebPaths::requireBaseUrl);
    }
}
