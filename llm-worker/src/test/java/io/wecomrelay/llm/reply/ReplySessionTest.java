package io.wecomrelay.llm.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.dify.DifyApiException;
import io.wecomrelay.llm.dify.DifyEvent;
import io.wecomrelay.llm.dify.StreamLimitException;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.Usage;
import io.wecomrelay.schemas.testing.Events;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Drives sessions with scripted Dify events, no network. The clock and the flushes are on virtual time; the idle and
 * deadline watches are set on a real small timer wheel, as the worker sets them on Lettuce's.
 */
class ReplySessionTest {

    private static final DifyEvent.Ids IDS = new DifyEvent.Ids("task-1", "conv-1", "msg-1");

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final HashedWheelTimer wheel = new HashedWheelTimer(5, TimeUnit.MILLISECONDS);
    private ReplyTimers timers = new ReplyTimers(time, wheel);
    private Duration idle = Duration.ofSeconds(60);
    private final ErrorTexts texts = new ErrorTexts(Map.of());
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> stops = new CopyOnWriteArrayList<>();
    private final List<Sinks.Many<DifyEvent>> streams = new ArrayList<>();
    private final List<Flux<DifyEvent>> scripted = new ArrayList<>();
    private final List<ReplyChunk> chunks = new CopyOnWriteArrayList<>();
    private volatile boolean completed;
    private volatile String completedOn;
    private boolean showThoughts;
    private long maxAnswerBytes = 1 << 16;
    private Mono<Void> stopResult = Mono.empty();
    private final List<String> limits = new CopyOnWriteArrayList<>();
    private final ReplyMetrics metrics = new ReplyMetrics() {
        @Override
        public void firstText(String botId, Duration sinceStart) {
        }

        @Override
        public void chunk(String botId, int characters) {
        }

        @Override
        public void finished(String botId, String errorCode, Duration duration) {
        }

        @Override
        public void limitExceeded(String botId, String limit) {
            limits.add(botId + ":" + limit);
        }
    };
    private Disposable subscription;

    @AfterEach
    void tearDown() {
        wheel.stop();
        time.dispose();
    }

    @Test
    void firstTextGoesOutAtOnceThenCoalescesAndMessageEndFinishesWithUsage() {
        var session = start("c-0", Duration.ofMinutes(5));
        emit(new DifyEvent.Text("Hel", DifyEvent.Source.MESSAGE, IDS));
        assertThat(texts()).containsExactly("Hel");

        time.advanceTimeBy(Duration.ofMillis(10));
        emit(new DifyEvent.Text("lo", DifyEvent.Source.MESSAGE, IDS));
        emit(new DifyEvent.Ping());
        emit(new DifyEvent.Text(" 世界", DifyEvent.Source.MESSAGE, IDS));
        assertThat(texts()).hasSize(1);

        time.advanceTimeBy(Duration.ofMillis(140));
        assertThat(texts()).containsExactly("Hel", "lo 世界");

        emit(new DifyEvent.End(new Usage(1, 2, 3), IDS));
        assertThat(completed).isTrue();
        assertThat(chunks).extracting(ReplyChunk::seq).containsExactly(0L, 1L, 2L);
        assertThat(chunks).extracting(ReplyChunk::last).containsExactly(false, false, true);
        var last = chunks.get(2);
        assertThat(last.usage().totalTokens()).isEqualTo(3);
        assertThat(last.error()).isNull();
        assertThat(session.outcome().conversationId()).isEqualTo("conv-1");
        assertThat(session.outcome().succeeded()).isTrue();
        assertThat(requests.get(0).conversationId()).isEqualTo("c-0");
    }

    @Test
    void pingsKeepASlowStreamAliveButSilenceFinishesItWithANoteAndStopsTheTask() throws InterruptedException {
        // The idle watch fires on the real wheel every idle time at first, then after each rest, but silence is
        // measured on the session's clock (virtual here): whenever and however often the watch fires, the stream ends
        // only once the clock says it was silent for the idle time. The sleeps only let the watch fire meanwhile.
        idle = Duration.ofMillis(50);
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Text("partial", DifyEvent.Source.MESSAGE, IDS));
        for (int i = 0; i < 12; i++) {
            time.advanceTimeBy(Duration.ofMillis(20));
            emit(new DifyEvent.Ping());
            Thread.sleep(10);
        }
        assertThat(completed).isFalse();

        // the idle time counts from the last event
        time.advanceTimeBy(idle.minusMillis(1));
        Thread.sleep(100);
        assertThat(completed).isFalse();
        time.advanceTimeBy(Duration.ofMillis(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> completed);
        var last = chunks.get(chunks.size() - 1);
        assertThat(last.last()).isTrue();
        assertThat(last.error().code()).isEqualTo(ErrorCodes.IDLE_TIMEOUT);
        assertThat(last.text()).isEqualTo("\n\n" + texts.sentence(ErrorCodes.IDLE_TIMEOUT));
        assertThat(stops).containsExactly("task-1");
    }

    @Test
    void theDeadlineFinishesWithWhatExistsAndStopsTheTaskOnTheSchedulerNotTheWheelsThread() {
        timers = new ReplyTimers(Schedulers.parallel(), wheel);
        scripted.add(Flux.concat(Flux.just(new DifyEvent.Text("so far", DifyEvent.Source.MESSAGE, IDS)), Flux.never()));
        start(null, Duration.ofMillis(100));

        await().atMost(Duration.ofSeconds(10)).until(() -> completed);
        var last = chunks.get(chunks.size() - 1);
        assertThat(last.error().code()).isEqualTo(ErrorCodes.DEADLINE_EXCEEDED);
        assertThat(String.join("", texts())).isEqualTo("so far\n\n" + texts.sentence(ErrorCodes.DEADLINE_EXCEEDED));
        assertThat(stops).containsExactly("task-1");
        // the last chunk is published from where the watch ran: the scheduler, never the wheel's one thread
        assertThat(completedOn).startsWith("parallel-");
    }

    @Test
    void aDeadlineAlreadyPassedFinishesWithoutAskingDify() {
        start(null, Duration.ofSeconds(-1));

        assertThat(requests).isEmpty();
        assertThat(chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.last()).isTrue();
            assertThat(chunk.seq()).isZero();
            assertThat(chunk.error().code()).isEqualTo(ErrorCodes.DEADLINE_EXCEEDED);
        });
    }

    @Test
    void aStreamThatEndsWithoutTerminalEventFinishesWithAnError() {
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Text("half", DifyEvent.Source.MESSAGE, IDS));
        streams.get(0).tryEmitComplete();

        assertThat(chunks.get(chunks.size() - 1).error().code()).isEqualTo(ErrorCodes.NO_TERMINAL);
        assertThat(stops).isEmpty();
    }

    @Test
    void anErrorEventOrHttpErrorFinishesWithTheCodesSentence() {
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Text("half", DifyEvent.Source.MESSAGE, IDS));
        emit(new DifyEvent.Failure(400, "completion_request_error", "boom", IDS));
        var last = chunks.get(chunks.size() - 1);
        assertThat(last.error().code()).isEqualTo("completion_request_error");
        assertThat(last.text()).endsWith(texts.sentence("completion_request_error"));

        chunks.clear();
        scripted.add(Flux.error(new DifyApiException(429, "too_many_requests", "slow down")));
        start(null, Duration.ofMinutes(5));
        assertThat(chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.error().code()).isEqualTo("too_many_requests");
            assertThat(chunk.text()).isEqualTo(texts.sentence("too_many_requests"));
        });
    }

    @Test
    void anUnknownConversationIsRetriedOnceAsANewOne() {
        scripted.add(Flux.error(new DifyApiException(404, "not_found", "Conversation Not Exists.")));
        var session = start("c-stale", Duration.ofMinutes(5));
        emit(new DifyEvent.Text("hi", DifyEvent.Source.MESSAGE, IDS));
        emit(new DifyEvent.End(null, IDS));

        assertThat(requests).extracting(ChatRequest::conversationId).containsExactly("c-stale", null);
        assertThat(session.outcome().conversationLost()).isTrue();
        assertThat(session.outcome().succeeded()).isTrue();
        assertThat(chunks.get(0).text()).isEqualTo("hi");
    }

    @Test
    void newAgentClosingMessageReplacesAndFilesBecomeMarkdownImages() {
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Text("Here ", DifyEvent.Source.AGENT_MESSAGE, IDS));
        emit(new DifyEvent.File("https://x/cat.png", "image", IDS));
        time.advanceTimeBy(Duration.ofSeconds(1));
        emit(new DifyEvent.Text("Here is a cat.", DifyEvent.Source.MESSAGE, IDS));
        emit(new DifyEvent.End(null, IDS));

        assertThat(chunks.get(1).text()).isEqualTo("\n\n![image](https://x/cat.png)");
        assertThat(chunks.get(2).kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(chunks.get(2).text()).isEqualTo("Here is a cat.");
        assertThat(chunks.get(chunks.size() - 1).images()).containsExactly("https://x/cat.png");
    }

    @Test
    void agentToolCallsShowAsAStatusLineOnlyWhenEnabled() {
        showThoughts = true;
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Thought("I will search.", "web_search;calculator", IDS));
        emit(new DifyEvent.Thought("", "", IDS));
        time.advanceTimeBy(Duration.ofMillis(10));
        emit(new DifyEvent.Text("Found", DifyEvent.Source.AGENT_MESSAGE, IDS));
        time.advanceTimeBy(Duration.ofMillis(150));
        emit(new DifyEvent.Thought("again", "web_search", IDS));
        emit(new DifyEvent.End(null, IDS));

        assertThat(chunks.get(0).text()).isEqualTo("> 🔧 web_search, calculator…");
        assertThat(chunks.get(1).kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(chunks.get(1).text()).isEqualTo("Found");
        assertThat(chunks).hasSize(3);

        chunks.clear();
        showThoughts = false;
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Thought("I will search.", "web_search", IDS));
        emit(new DifyEvent.Text("Found", DifyEvent.Source.AGENT_MESSAGE, IDS));
        assertThat(texts()).containsExactly("Found");
    }

    @Test
    void cancellingAbandonsTheAttemptAndStopsTheTask() {
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Text("x", DifyEvent.Source.MESSAGE, IDS));
        subscription.dispose();

        assertThat(stops).containsExactly("task-1");
        assertThat(chunks).noneMatch(ReplyChunk::last);
    }

    @Test
    void anAnswerPastItsBoundIsCutOnAWholeCharacterFinishedWithANoteAndTheTaskStopped() {
        maxAnswerBytes = 10;
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Text("ab", DifyEvent.Source.MESSAGE, IDS));
        emit(new DifyEvent.Text("你好世界", DifyEvent.Source.MESSAGE, IDS));

        assertThat(completed).isTrue();
        assertThat(streams.get(0).currentSubscriberCount()).as("the Dify stream is cancelled").isZero();
        var last = chunks.get(chunks.size() - 1);
        assertThat(last.last()).isTrue();
        assertThat(last.error().code()).isEqualTo(ErrorCodes.ANSWER_TOO_LONG);
        assertThat(String.join("", texts())).as("2 + 6 bytes fit, the third character would make 11")
                .isEqualTo("ab你好\n\n" + texts.sentence(ErrorCodes.ANSWER_TOO_LONG));
        assertThat(stops).containsExactly("task-1");
        assertThat(limits).containsExactly("bot-1:answer");
    }

    @Test
    void aReplacementPastTheBoundIsCutTooAndAnEmojiIsNeverHalved() {
        maxAnswerBytes = 6;
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Text("x", DifyEvent.Source.MESSAGE, IDS));
        emit(new DifyEvent.Replace("ok🙂🙂", IDS));

        var last = chunks.get(chunks.size() - 1);
        assertThat(last.error().code()).isEqualTo(ErrorCodes.ANSWER_TOO_LONG);
        assertThat(last.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(last.text()).isEqualTo("ok🙂\n\n" + texts.sentence(ErrorCodes.ANSWER_TOO_LONG));
    }

    @Test
    void anOversizedLineOrEventFinishesWithItsNoteAndStopsTheTaskBeforeDisconnecting() {
        Sinks.Empty<Void> stopCall = Sinks.empty();
        stopResult = stopCall.asMono();
        start(null, Duration.ofMinutes(5));
        emit(new DifyEvent.Text("partial", DifyEvent.Source.MESSAGE, IDS));
        emit(new DifyEvent.Oversized(StreamLimitException.Limit.LINE, 1024));

        var last = chunks.get(chunks.size() - 1);
        assertThat(last.error().code()).isEqualTo(ErrorCodes.DIFY_LINE_TOO_LONG);
        assertThat(last.text()).endsWith("\n\n" + texts.sentence(ErrorCodes.DIFY_LINE_TOO_LONG));
        assertThat(stops).containsExactly("task-1");
        assertThat(streams.get(0).currentSubscriberCount()).as("connected while the stop call runs").isOne();
        stopCall.tryEmitEmpty();
        assertThat(streams.get(0).currentSubscriberCount()).as("then disconnected").isZero();

        chunks.clear();
        scripted.add(Flux.just(new DifyEvent.Oversized(StreamLimitException.Limit.EVENT, 1024)));
        start(null, Duration.ofMinutes(5));
        assertThat(chunks).singleElement().satisfies(chunk ->
                assertThat(chunk.error().code()).isEqualTo(ErrorCodes.DIFY_EVENT_TOO_LARGE));
        assertThat(requests).as("a bound passed is not retried").hasSize(2);
        assertThat(limits).containsExactly("bot-1:line", "bot-1:event");
    }

    private ReplySession start(String conversationId, Duration untilDeadline) {
        var tools = new ReplyTools(Duration.ofMillis(150), 400, idle, showThoughts, maxAnswerBytes, texts, timers, metrics);
        var factory = new ChunkFactory(Events.accepted("bot-1", "m-" + UUID.randomUUID(), Events.T0), null, 1,
                "trace-1",
                Clock.fixed(Events.T0, ZoneOffset.UTC), UUID::randomUUID);
        var request = new ChatRequest("q", "wecom:bot-1:u", conversationId, List.of());
        var session = new ReplySession(this::dify, taskId -> {
            stops.add(taskId);
            return stopResult;
        }, request, timers.now() + untilDeadline.toMillis(), factory, tools);
        completed = false;
        subscription = session.chunks().subscribe(chunks::add, error -> { throw new AssertionError(error); },
                () -> {
                    completedOn = Thread.currentThread().getName();
                    completed = true;
                });
        return session;
    }

    private Flux<DifyEvent> dify(ChatRequest request) {
        requests.add(request);
        if (!scripted.isEmpty()) {
            return scripted.remove(0);
        }
        Sinks.Many<DifyEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
        streams.add(sink);
        return sink.asFlux();
    }

    private void emit(DifyEvent event) {
        streams.get(streams.size() - 1).tryEmitNext(event).orThrow();
    }

    private List<String> texts() {
        return chunks.stream().map(ReplyChunk::text).toList();
    }
}
