package io.wecomrelay.cli.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import io.wecomrelay.cli.Pipeline;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A decision read by its decision fields alone gives the verdict the whole event gives. */
class DecisionViewTest {

    private static final Instant AT = Instant.parse("2026-12-05T01:08:03.123Z");
    private static final MessageReceived RECEIVED = Pipeline.text("bot-a", "m-1", "alice", "hello", AT);

    private static final MessageAccepted ACCEPTED = new MessageAccepted(meta(), "bot-a", RECEIVED.streamId(),
            "bot-a:u:alice", RECEIVED.message(), AT, new Decision("accept", "f38c495ed664"));

    @Test
    void anAcceptanceAndARejectionAreReadWithTheirLinkAndText() {
        var rejected = new MessageRejected(meta(), "bot-a", RECEIVED.streamId(), RECEIVED.message(), AT,
                RejectReason.RATE_LIMITED, "limit of 3 \"accepted\" messages", new Decision("rate-limit", "f38c495ed664"));

        DecisionView.Decided acceptance = DecisionView.read(bytes(ACCEPTED));
        DecisionView.Decided rejection = DecisionView.read(bytes(rejected));

        String link = RECEIVED.streamId() + "@" + AT.toEpochMilli() + "#trace-1";
        assertThat(acceptance).isEqualTo(new DecisionView.Decided(AT, "bot-a", RECEIVED.streamId(), new Verdict(link,
                "f38c495ed664", "accepted rule=accept policy=f38c495ed664 conversation=bot-a:u:alice")));
        assertThat(rejection).isEqualTo(new DecisionView.Decided(AT, "bot-a", RECEIVED.streamId(), new Verdict(link,
                "f38c495ed664", "rejected RATE_LIMITED rule=rate-limit policy=f38c495ed664 detail=limit of 3 \"accepted\" messages")));
    }

    @Test
    void aDecisionTakenAsAnEventIsTheDecisionItsJsonIs() {
        // the replay takes its own decisions from the topology's sinks unwritten, the recorded ones from their JSON
        var rejected = new MessageRejected(meta(), "bot-a", RECEIVED.streamId(), RECEIVED.message(), AT,
                RejectReason.UNAUTHORIZED, "user alice not allowed", new Decision("allow-users", "f38c495ed664"));

        assertThat(DecisionView.of(ACCEPTED)).isNotNull().isEqualTo(DecisionView.read(bytes(ACCEPTED)));
        assertThat(DecisionView.of(rejected)).isNotNull().isEqualTo(DecisionView.read(bytes(rejected)));
        assertThat(DecisionView.of(RECEIVED)).isNull();
        assertThat(DecisionView.of(null)).isNull();
    }

    @Test
    void whatIsNotADecisionIsNotRead() {
        assertThat(DecisionView.read(bytes(RECEIVED))).isNull();
        assertThat(DecisionView.read("{\"type\":\"message-accepted.v1\",\"botId\":\"bot-a\"}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(DecisionView.read("{\"type\":\"message-rejected.v1\",\"reason\":\"NO_SUCH_REASON\"}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(DecisionView.read("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(DecisionView.read(null)).isNull();
    }

    private static EventMeta meta() {
        return new EventMeta(UUID.randomUUID(), "trace-1", AT);
    }

    private static byte[] bytes(RelayEvent event) {
        return EventSerde.any().serialize("t", event);
    }
}
