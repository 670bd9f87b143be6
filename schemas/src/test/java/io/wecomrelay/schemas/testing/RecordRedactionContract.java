package io.wecomrelay.schemas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The two checks every module runs over its records with a {@link RedactionAudit}: each component named like
 * sensitive data is classified, and no sensitive component is printed by {@code toString()}. A module's test
 * extends this and hands over its audit, its classification and how many records it expects at least.
 */
public abstract class RecordRedactionContract {

    private final RedactionAudit audit;
    private final Set<String> sensitive;
    private final Set<String> shown;
    private final int minimumRecords;

    /** @param minimumRecords fewer records than this means the scan missed the module's classes */
    protected RecordRedactionContract(RedactionAudit audit, Set<String> sensitive, Set<String> shown, int minimumRecords) {
        this.audit = audit;
        this.sensitive = sensitive;
        this.shown = shown;
        this.minimumRecords = minimumRecords;
    }

    /** {@code base} and the module's own keys, each written relative to {@code root} (e.g. {@code "io.wecomrelay.llm."}). */
    protected static Set<String> with(Set<String> base, String root, String... keys) {
        var all = new HashSet<>(base);
        for (String key : keys) {
            all.add(root + key);
        }
        return Set.copyOf(all);
    }

    @Test
    void everyComponentNamedLikeSensitiveDataIsClassified() {
        assertThat(audit.undecided(sensitive, shown)).isEmpty();
    }

    @Test
    void noRecordPrintsASensitiveComponent() {
        assertThat(audit.records()).hasSizeGreaterThan(minimumRecords);

        assertThat(audit.leaks(sensitive)).isEmpty();
    }
}
