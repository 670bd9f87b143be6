package io.wecomrelay.responder;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.testing.RecordRedactionContract;
import io.wecomrelay.schemas.testing.RedactionAudit;
import io.wecomrelay.schemas.testing.SchemasRedaction;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.util.unit.DataSize;

/**
 * No record of the responder prints a reply's content, a source event's JSON (it holds the text and the
 * response_url) or a credential, nor lets a nested {@code schemas} record do so (their classification is
 * {@link SchemasRedaction}'s). New components named like sensitive data must be classified here.
 */
class RecordRedactionTest extends RecordRedactionContract {

    static final String ROOT = "io.wecomrelay.responder.";

    static final Set<String> SENSITIVE = with(SchemasRedaction.SENSITIVE, ROOT,
            "delivery.FinishedReply.content", "materialize.FoldResult.content", "materialize.DeliveryTicket.sourceJson",
            "outbox.OutboxEntry.fields", "materialize.RedisStreamStateWriter.ScriptCall.args",
            "delivery.ReplyDeliverer.Part.payload");

    static final Set<String> SHOWN = with(SchemasRedaction.SHOWN, ROOT,
            "ResponderProperties.Delivery.wecomApiBaseUrl",                              // operator's config
            "ResponderProperties.Delivery.responseUrlLifetime", "outbox.MaxReplyAge.responseUrl",
            "delivery.ReplyDeliverer.Settings.responseUrlLifetime",                      // durations
            "ResponderProperties.Outbox.keyPrefix", "ResponderProperties.RateLimit.keyPrefix",
            "materialize.DeliveryTicket.outboxKey", "materialize.DeliveryTicket.stateKey",
            "materialize.RedisStreamStateWriter.ScriptCall.keys",                         // Redis keys: bot and stream ids
            "materialize.RedisStreamStateWriter.Replies.keyPrefix",                       // a key prefix
            "materialize.RedisStreamStateWriter.Replies.unrecordedKey",                   // a key
            "materialize.UnrecordedReplies.Claim.keys",                                  // Redis keys: stream ids
            "ResponderProperties.Stream.replyKeyTtl",                                   // a duration
            "materialize.RejectionTexts.maxContentBytes",                                // a size
            "materialize.RedisStreamStateWriter.Cuts.maxContentBytes",                   // a size
            "materialize.FoldResult.contentBytes",                                       // a size
            "ResponderProperties.AppToken.keyPrefix",
            "ResponderProperties.Delivery.appToken",                                     // key prefix, durations
            "delivery.ReplyDeliverer.Part.image");                                       // a flag

    RecordRedactionTest() {
        super(new RedactionAudit("io.wecomrelay.responder", ResponderApplication.class, factories(),
                overrides()), SENSITIVE, SHOWN, 10);
    }

    private static Map<Class<?>, Function<RedactionAudit.Marks, @Nullable Object>> factories() {
        var factories = new HashMap<>(SchemasRedaction.FACTORIES);
        factories.put(double.class, marks -> 2.0); // the retry multiplier
        factories.put(DataSize.class, marks -> DataSize.ofKilobytes(200)); // the answer limit
        factories.put(Throwable.class, marks -> new IllegalStateException(marks.mark("Throwable")));
        factories.put(BotSource.class, marks -> (BotSource) () -> new BotRegistry(List.of()));
        // a part's payload: a Mono prints its operator, never its value
        factories.put(Mono.class, marks -> Mono.just(marks.mark("Mono")));
        return factories;
    }

    private static Map<String, Function<RedactionAudit.Marks, @Nullable Object>> overrides() {
        var overrides = new HashMap<>(SchemasRedaction.OVERRIDES);
        overrides.put(ROOT + "delivery.SendResult.failure", marks -> null);                    // only on a permanent result
        overrides.put(ROOT + "outbox.OutboxSettings.leaseTtl", marks -> Duration.ofSeconds(30)); // twice the send timeout
        overrides.put(ROOT + "ResponderProperties.Stream.replySweepAfter", marks -> Duration.ofMillis(100)); // < reply-key-ttl
        // an outbox job as the fold script writes it: its content and source event are under the sensitive fields
        overrides.put(ROOT + "outbox.OutboxEntry.fields", marks -> Map.of("streamId", "stream-1",
                "content", marks.mark("OutboxEntry.content"), "created", "0", "sourceTopic", "wecom.chunks",
                "source", marks.mark("OutboxEntry.source")));
        return overrides;
    }
}
