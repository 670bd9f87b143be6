package io.wecomrelay.sim.dify;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A running Dify API simulator on {@code 127.0.0.1}. Non-blocking: an open stream costs a
 * connection and a timer, not a thread, so one simulator can hold 10,000+ streams.
 *
 * <p>Endpoints under {@link #baseUrl()}: {@code POST /chat-messages}, {@code POST /completion-messages} and
 * {@code POST /workflows/run} (streaming only; see {@link AppMode}), their stops
 * {@code POST /chat-messages/{task_id}/stop}, {@code POST /completion-messages/{task_id}/stop} and
 * {@code POST /workflows/tasks/{task_id}/stop}, {@code POST /messages/{message_id}/feedbacks},
 * {@code POST /files/upload}, {@code GET /info}; and Dify's file URLs at the origin, {@code GET /files/tools/{name}} and
 * {@code GET /files/images/{name}} ({@link SimImages}). Thread-safe.
 */
public final class DifySimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DifySimulator.class);
    private static final String HOST = "127.0.0.1";

    private final SimulatorState state;
    private final LoopResources loops;
    private final DisposableServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DifySimulator(SimulatorState state, LoopResources loops, DisposableServer server) {
        this.state = state;
        this.loops = loops;
        this.server = server;
    }

    /** Binds and starts serving; the returned simulator must be closed. */
    public static DifySimulator start(DifySimulatorConfig config) {
        var state = new SimulatorState(config);
        var chat = new ChatHandler(state);
        var control = new ControlHandler(state);
        var upload = new UploadHandler(state);
        // own event loops: closing the simulator must not touch Reactor Netty's global resources,
        // which the client under test may be using
        var loops = LoopResources.create("dify-sim", 1, Math.max(2, Runtime.getRuntime().availableProcessors()), true);
        DisposableServer server;
        try {
            server = HttpServer.create()
                    .host(HOST)
                    .port(config.port())
                    .runOn(loops)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .route(routes -> routes
                            .post("/v1/chat-messages", chat::handle)
                            .post("/v1/chat-messages/{taskId}/stop", control::stop)
                            .post("/v1/completion-messages", (in, out) -> chat.handle(in, out, AppMode.COMPLETION))
                            .post("/v1/completion-messages/{taskId}/stop",
                                    (in, out) -> control.stop(in, out, AppMode.COMPLETION))
                            .post("/v1/workflows/run", (in, out) -> chat.handle(in, out, AppMode.WORKFLOW))
                            .post("/v1/workflows/tasks/{taskId}/stop", (in, out) -> control.stop(in, out, AppMode.WORKFLOW))
                            .post("/v1/messages/{messageId}/feedbacks", control::feedback)
                            .post("/v1/files/upload", upload::upload)
                            .get("/v1/info", control::info)
                            .get("/files/tools/{name}", ToolFiles::serve)
                            .get("/files/images/{name}", ToolFiles::serveImage))
                    .bindNow(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            loops.dispose();
            throw e;
        }
        state.origin("http://" + HOST + ":" + server.port());
        var simulator = new DifySimulator(state, loops, server);
        log.info("dify-sim listening on {}", simulator.baseUrl());
        return simulator;
    }

    /** {@code http://127.0.0.1:PORT/v1}, the value for a Dify client's API base URL. */
    public String baseUrl() {
        return state.origin() + "/v1";
    }

    public int port() {
        return server.port();
    }

    /** Answers all following requests with {@code scenario}, unless a query carries a directive. */
    public DifySimulator scenario(Scenario scenario) {
        Objects.requireNonNull(scenario, "scenario");
        state.updateSettings(settings -> settings.withScenario(scenario));
        return this;
    }

    /** The scenario for requests without a directive. */
    public Scenario scenario() {
        return state.settings().scenario();
    }

    /** Deltas per answer and the wait before each, for all following requests. */
    public DifySimulator cadence(int deltaCount, Duration deltaDelay) {
        if (deltaCount < 1) throw new IllegalArgumentException("deltaCount must be at least 1");
        if (deltaDelay.isNegative()) throw new IllegalArgumentException("deltaDelay must not be negative");
        state.updateSettings(settings -> settings.withDeltaCount(deltaCount).withDeltaDelay(deltaDelay));
        return this;
    }

    /** The {@link Scenario#PAUSE} gap and the ping spacing (also used by HOLD_OPEN), for all following requests. */
    public DifySimulator pause(Duration pause, Duration pingInterval) {
        if (pause.isNegative()) throw new IllegalArgumentException("pause must not be negative");
        if (pingInterval.isZero() || pingInterval.isNegative()) {
            throw new IllegalArgumentException("pingInterval must be positive");
        }
        state.updateSettings(settings -> settings.withPause(pause).withPingInterval(pingInterval));
        return this;
    }

    /**
     * Declares input variables the app requires, replacing earlier ones: a chat request without one of them (or with
     * a blank one) gets {@code 400 invalid_param "<name> is required in input form"}, as from Dify. {@link #reset()}
     * forgets them.
     */
    public DifySimulator requireInputs(String... names) {
        state.updateInputRules(rules -> rules.requiring(Set.of(names)));
        return this;
    }

    /**
     * Checks input {@code name} when present: a value {@code accepted} turns down gets {@code 401 unauthorized}, as an
     * app (or its gateway) that refuses a stale credential would answer. {@link #reset()} forgets it.
     */
    public DifySimulator checkInput(String name, Predicate<String> accepted) {
        state.updateInputRules(rules -> rules.checking(name, accepted));
        return this;
    }

    /**
     * Binds {@code apiKey} to one kind of app, as every Dify key is: its requests to another mode's endpoints (send
     * and stop) are refused with Dify's error ({@code 400 not_chat_app}, {@code app_unavailable} or
     * {@code not_workflow_app}), and {@code GET /info} reports the mode. An unbound key is answered on every endpoint.
     * {@link #reset()} unbinds all.
     */
    public DifySimulator appMode(String apiKey, AppMode mode) {
        state.bindMode(Objects.requireNonNull(apiKey, "apiKey"), Objects.requireNonNull(mode, "mode"));
        return this;
    }

    /**
     * The variables of the simulated completion and workflow apps: the input that holds the text to answer (required:
     * a request without it gets {@code 400 invalid_param "<name> is required in input form"}; default {@code query})
     * and the workflow output {@code workflow_finished} puts the answer in (default {@code result}). {@link #reset()}
     * restores the defaults.
     */
    public DifySimulator workflowVariables(String queryVariable, String outputVariable) {
        state.variables(new WorkflowVariables(queryVariable, outputVariable));
        return this;
    }

    /** Chat, completion and workflow requests received since start or {@link #reset()}, rejected ones included. */
    public long chatRequestCount() {
        return state.chats.total();
    }

    /** The newest recorded chat requests (up to the configured capacity), oldest first. */
    public List<RecordedChatRequest> chatRequests() {
        return state.chats.snapshot();
    }

    /** Recorded chat requests whose query equals {@code query}. */
    public List<RecordedChatRequest> requestsFor(String query) {
        return state.chats.matching(request -> query.equals(request.query()));
    }

    /**
     * The newest SSE frames handed to connections (up to 8 × the request log capacity), in the order
     * they were sent, with when; group them by {@link RecordedFrame#taskId()}.
     */
    public List<RecordedFrame> sentFrames() {
        return state.frames.snapshot();
    }

    /** Authenticated stop calls, oldest first. */
    public List<RecordedStop> stops() {
        return state.stops.snapshot();
    }

    /** Accepted feedback calls, oldest first. */
    public List<RecordedFeedback> feedbacks() {
        return state.feedbacks.snapshot();
    }

    /** Accepted file uploads (up to the configured capacity), oldest first. */
    public List<RecordedUpload> uploads() {
        return state.uploads.snapshot();
    }

    /** The upload with this {@code upload_file_id}, if it exists (until {@link #reset()}). */
    public Optional<RecordedUpload> upload(String id) {
        return state.files.find(id);
    }

    /** SSE responses being written right now. */
    public int openStreams() {
        return state.streams.count();
    }

    /** Messages (streams started) in a conversation; 0 for an unknown conversation. */
    public int messageCount(String conversationId) {
        return state.conversations.messageCount(conversationId).orElse(0);
    }

    /** Conversations that exist, across all keys and users. */
    public int conversationCount() {
        return state.conversations.count();
    }

    /**
     * Forgets conversations and recordings and restores the configured scenario and timing.
     * Streams already open keep running.
     */
    public void reset() {
        state.reset();
    }

    /** The thinking {@link Scenario#THINK} and {@link Scenario#REASONING} streams before the answer to {@code query}. */
    public static String expectedReasoning(String query) {
        return CannedAnswer.reasoningFor(query);
    }

    /** The full answer text the simulator gives to {@code query} (the deltas concatenated). */
    public static String expectedAnswer(String query) {
        return CannedAnswer.forQuery(query);
    }

    /**
     * The full answer to {@code query} sent with {@code fileCount} entries in {@code files}; with none
     * it is {@link #expectedAnswer(String)}.
     */
    public static String expectedAnswer(String query, int fileCount) {
        return CannedAnswer.forQuery(query, fileCount);
    }

    /** Drops open streams (the client sees the connection close) and stops the server. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        state.streams.disconnectAll();
        server.disposeNow(Duration.ofSeconds(5));
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        log.info("dify-sim on port {} closed", server.port());
    }

    /** Blocks until the server is disposed. */
    void awaitClose() {
        server.onDispose().block();
    }
}
