package io.wecomrelay.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.testing.RedactionAudit;
import io.wecomrelay.schemas.testing.SchemasRedaction;
import org.junit.jupiter.api.Test;

/**
 * No record of {@code schemas} prints message text, a response_url, media URLs and keys, ciphertext or a
 * credential. A new record component named like such data fails {@link #everyComponentNamedLikeSensitiveDataIsClassified}
 * until it is classified in {@link SchemasRedaction} (and, if sensitive, its record's {@code toString} leaves it out).
 */
class RecordRedactionTest {

    final RedactionAudit audit = new RedactionAudit("io.wecomrelay.schemas", EventSerde.class,
            SchemasRedaction.FACTORIES, SchemasRedaction.OVERRIDES);

    @Test
    void everyComponentNamedLikeSensitiveDataIsClassified() {
        assertThat(audit.undecided(SchemasRedaction.SENSITIVE, SchemasRedaction.SHOWN)).isEmpty();
    }

    @Test
    void noRecordPrintsASensitiveComponent() {
        assertThat(audit.records()).hasSizeGreaterThan(30); // the scan found the records

        assertThat(audit.leaks(SchemasRedaction.SENSITIVE)).isEmpty();
    }

    @Test
    void anEventStillPrintsItsIdsForOperators() {
        var event = Events.received("bot-1", "msg-1", Events.T0);

        assertThat(event.toString()).contains("bot-1", "msg-1", event.streamId(), "zhangsan")
                .doesNotContain("你好", "response_code");
    }
}
