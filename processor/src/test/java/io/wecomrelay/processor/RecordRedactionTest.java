package io.wecomrelay.processor;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.wecomrelay.schemas.testing.RecordRedactionContract;
import io.wecomrelay.schemas.testing.RedactionAudit;
import io.wecomrelay.schemas.testing.SchemasRedaction;
import org.jspecify.annotations.Nullable;

/**
 * No record of the processor prints message text, a response_url or a credential, nor lets a nested
 * {@code schemas} record do so (their classification is {@link SchemasRedaction}'s). New components named
 * like sensitive data must be classified here.
 */
class RecordRedactionTest extends RecordRedactionContract {

    static final String ROOT = "io.wecomrelay.processor.";

    static final Set<String> SENSITIVE = SchemasRedaction.SENSITIVE;

    static final Set<String> SHOWN = union(SchemasRedaction.SHOWN,
            "decision.Case.received");                      // a MessageReceived, which redacts itself

    final RedactionAudit audit = new RedactionAudit("io.wecomrelay.processor", ProcessorApplication.class, factories(),
            SchemasRedaction.OVERRIDES);

    @Override
    protected RedactionAudit audit() {
        return audit;
    }

    @Override
    protected Set<String> sensitive() {
        return SENSITIVE;
    }

    @Override
    protected Set<String> shown() {
        return SHOWN;
    }

    @Override
    protected int minimumRecords() {
        return 5;
    }

    private static Map<Class<?>, Function<RedactionAudit.Marks, @Nullable Object>> factories() {
        return new HashMap<>(SchemasRedaction.FACTORIES);
    }

    private static Set<String> union(Set<String> base, String... more) {
        var all = new HashSet<>(base);
        for (String key : more) {
            all.add(ROOT + key);
        }
        return Set.copyOf(all);
    }
}
