package io.wecomrelay.processor;

import java.util.HashMap;
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

    static final Set<String> SHOWN = with(SchemasRedaction.SHOWN, ROOT,
            "decision.Case.received");                      // a MessageReceived, which redacts itself

    RecordRedactionTest() {
        super(new RedactionAudit("io.wecomrelay.processor", ProcessorApplication.class, factories(),
                SchemasRedaction.OVERRIDES), SENSITIVE, SHOWN, 5);
    }

    private static Map<Class<?>, Function<RedactionAudit.Marks, @Nullable Object>> factories() {
        return new HashMap<>(SchemasRedaction.FACTORIES);
    }
}
