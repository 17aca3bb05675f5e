package io.dicomgate.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/**
 * The package map of CONVENTIONS.md, held by the build: features (qido, wado, stow, consent) do not
 * use each other's internals, and the shared packages (metrics among them: features record through
 * it) never depend on a feature. Rendered images
 * are a WADO representation and may use WADO's access-checked selection.
 */
class PackageRulesTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.dicomgate");

    private static final String[] FEATURES = { "..qido..", "..wado..", "..stow..", "..consent..", "..render..", "..guard..",
            "..share..", "..imports..", "..dimse.." };
    private static final String[] SHARED = { "..dicom..", "..index..", "..storage..", "..access..", "..audit..", "..web..", "..ingest..",
        "..metrics.." };

    @Test
    void sharedPackagesNeverDependOnFeatures() {
        noClasses().that().resideInAnyPackage(SHARED).should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .check(MAIN);
    }

    @Test
    void qidoWadoAndStowAreIndependent() {
        noClasses().that().resideInAPackage("..qido..").should().dependOnClassesThat()
                .resideInAnyPackage("..wado..", "..stow..", "..consent..", "..render..").check(MAIN);
        noClasses().that().resideInAPackage("..wado..").should().dependOnClassesThat()
                .resideInAnyPackage("..qido..", "..stow..", "..consent..", "..render..").check(MAIN);
        noClasses().that().resideInAPackage("..stow..").should().dependOnClassesThat()
                .resideInAnyPackage("..qido..", "..wado..", "..consent..", "..render..").check(MAIN);
        noClasses().that().resideInAPackage("..consent..").should().dependOnClassesThat()
                .resideInAnyPackage("..qido..", "..wado..", "..stow..", "..render..").check(MAIN);
    }
}
