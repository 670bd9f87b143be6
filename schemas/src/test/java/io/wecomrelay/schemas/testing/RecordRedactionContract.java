package io.wecomrelay.schemas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The two checks every module runs over its records with a {@link RedactionAudit}: each component named like
 * sensitive data is classified, and no sensitive component is printed by {@code toString()}. A module's test
 * extends this and says what its audit, its classification and its expected number of records are.
 */
public abstract class RecordRedactionContract {

    protected abstract RedactionAudit audit();

    protected abstract Set<String> sensitive();

    protected abstract Set<String> shown();

    /** Fewer records than this means the scan missed the module's classes. */
    protected abstract int minimumRecords();

    @Test
    void everyComponentNamedLikeSensitiveDataIsClassified() {
        assertThat(audit().undecided(sensitive(), shown())).isEmpty();
    }

    @Test
    void noRecordPrintsASensitiveComponent() {
        assertThat(audit().records()).hasSizeGreaterThan(minimumRecords());

        assertThat(audit().leaks(sensitive())).isEmpty();
    }
}
