package io.wecomrelay.llm;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.wecomrelay.llm.consume.Arrival;
import io.wecomrelay.llm.reply.ErrorTexts;
import io.wecomrelay.llm.reply.ReplyMetrics;
import io.wecomrelay.schemas.testing.RecordRedactionContract;
import io.wecomrelay.schemas.testing.RedactionAudit;
import io.wecomrelay.schemas.testing.SchemasRedaction;
import io.wecomrelay.schemas.wecom.crypto.WecomAesKey;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * No record of the llm-worker prints message text, an answer, a media URL or key, or a file's name or bytes, nor
 * lets a nested {@code schemas} record do so (their classification is {@link SchemasRedaction}'s). New components
 * named like sensitive data must be classified here.
 */
class RecordRedactionTest extends RecordRedactionContract {

    static final String ROOT = "io.wecomrelay.llm.";

    static final Set<String> SENSITIVE = union(SchemasRedaction.SENSITIVE,
            "dify.DifyEvent.Text.answer", "dify.DifyEvent.Replace.answer", "dify.DifyEvent.File.url",
            "dify.DifyEvent.Thought.thought", "dify.DifyEvent.Failure.message", "dify.DifyEvent.WorkflowFailed.error",
            "dify.SseFrame.data", "dify.ChatRequest.query", "dify.ChatRequest.files",
            "dify.ChatRequest.inputs", "dify.ChatRequest.headers", "identity.IdentityAnswer.Token.value", // the asker's token
            "dify.DifyFile.name", "dify.DifyFile.content",
            "input.Input.Query.text", "input.Input.Feedback.content", "input.Attachment.Signed.url", "input.Attachment.Signed.aesKey",
            "input.Attachment.AppMedia.mediaId", "media.MediaRequest.Encrypted.url", "media.MediaRequest.Encrypted.key",
            "media.MediaRequest.WecomApi.url",                                         // the app's access token
            "media.Download.filename", "media.Download.content", "media.Attachments.Uploaded.name", "media.Prepared.Files.files",
            "reply.ChunkAssembler.Piece.text", "reply.ChunkAssembler.Piece.images",
            "dify.DifyEvent.Reasoning.text", "dify.DifyEvent.WorkflowEnd.outputs", "reply.ThinkTags.Segment.text",
            "reply.ThinkTags.Parts.reasoning", "reply.ThinkTags.Parts.answer", "reply.ChunkAssembler.Next.text",
            "images.MarkdownImages.Ref.url", "images.MarkdownImages.Ref.alt", "images.AnswerImages.Candidate.url",
            "images.AnswerImages.Candidate.name", "images.ImageText.Verdict.name", "images.ImageText.Verdict.link",
            "state.AnswerRests.Taken.text",                                            // a part of an answer
            "publish.FoldBatches.Fold.args",                                           // a preview's fold: its text
            RedactionAudit.Marks.EXTRA + "Flux");

    static final Set<String> SHOWN = union(SchemasRedaction.SHOWN,
            "LlmWorkerProperties.texts", "reply.ReplyTools.texts",                     // operator's sentences
            "LlmWorkerProperties.Feedback.messageTtl",                                 // a duration
            "LlmWorkerProperties.App.wecomApiBaseUrl", "LlmWorkerProperties.App.tokenKeyPrefix", // operator's config
            "LlmWorkerProperties.App.tokenRefreshMargin", "LlmWorkerProperties.App.tokenLockTtl",
            "LlmWorkerProperties.App.tokenWaitTimeout", "LlmWorkerProperties.App.tokenPollInterval", // durations
            "consume.Work.key",                                                        // bot + chat/user id
            "publish.FoldBatches.Fold.key",                                            // stream:{streamId}
            "consume.Work.message",                                                    // redacts itself
            "dify.DifyEvent.Ids.messageId", "reply.ReplyOutcome.messageId",
            "state.MessageStore.DifyMessage.messageId",                                // Dify's ids
            "media.Download.contentType",                                              // a MIME type
            "reply.DifyEventInterpreter.Step.firstText",                               // a flag
            "LlmWorkerProperties.replyImages", "LlmWorkerProperties.ReplyImages.maxImages",
            "LlmWorkerProperties.ReplyImages.unavailableText", "images.AnswerImages.Settings.maxImages",
            "images.AnswerImages.Settings.noteText");                                  // operator's settings

    /** Never started: a wheel makes its thread at the first timeout set on it. */
    private static final Timer WHEEL = new HashedWheelTimer();

    RecordRedactionTest() {
        super(new RedactionAudit("io.wecomrelay.llm", LlmWorkerApplication.class, factories(),
                SchemasRedaction.OVERRIDES), SENSITIVE, SHOWN, 10);
    }

    private static Map<Class<?>, Function<RedactionAudit.Marks, @Nullable Object>> factories() {
        var factories = new HashMap<>(SchemasRedaction.FACTORIES);
        factories.put(DataSize.class, marks -> DataSize.ofKilobytes(64));
        factories.put(double.class, marks -> 0.5); // the retry jitter
        factories.put(TopicPartition.class, marks -> new TopicPartition("wecom.accepted", 0));
        factories.put(Arrival.class, marks -> new Arrival(null, 0, 0));
        factories.put(Timer.class, marks -> WHEEL); // ReplyTimers' wheel: a timer prints no message data
        // file contents: a Flux prints its operator, never its items, but the items are planted all the same
        factories.put(Flux.class, marks -> Flux.just(marks.mark("Flux")));
        factories.put(Disposable.Swap.class, marks -> Disposables.swap());
        factories.put(CompletableFuture.class, marks -> new CompletableFuture<>());
        factories.put(Scheduler.class, marks -> Schedulers.immediate());
        factories.put(MonoSink.class, marks -> { // a preview fold's caller: a sink prints no message data
            var sink = new AtomicReference<MonoSink<Object>>();
            Mono.create(sink::set).subscribe();
            return sink.get();
        });
        factories.put(ErrorTexts.class, marks -> new ErrorTexts(Map.of()));
        factories.put(ReplyMetrics.class, marks -> ReplyMetrics.NONE);
        factories.put(WecomAesKey.class, marks -> WecomAesKey.fromEncodingAesKey(WorkerTestSupport.AES_KEY));
        return factories;
    }

    private static Set<String> union(Set<String> base, String... more) {
        var all = new HashSet<>(base);
        for (String key : more) {
            all.add(key.startsWith(RedactionAudit.Marks.EXTRA) ? key : ROOT + key);
        }
        return Set.copyOf(all);
    }
}
