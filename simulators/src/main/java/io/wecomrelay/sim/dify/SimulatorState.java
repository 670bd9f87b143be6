package io.wecomrelay.sim.dify;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import tools.jackson.databind.json.JsonMapper;

/** Everything the handlers share: settings, conversations, uploaded files, open streams and the recordings. */
final class SimulatorState {

    private static final int FRAMES_PER_REQUEST = 8;

    final DifySimulatorConfig config;
    final JsonMapper json = JsonMapper.builder().build();
    final SseEncoder sse = new SseEncoder(json);
    final BearerAuth auth;
    final Conversations conversations = new Conversations();
    final ActiveStreams streams = new ActiveStreams();
    final BoundedLog<RecordedChatRequest> chats;
    final BoundedLog<RecordedStop> stops;
    final BoundedLog<RecordedFeedback> feedbacks;
    final BoundedLog<RecordedUpload> uploads;
    final BoundedLog<RecordedFrame> frames;
    final FileUploads files = new FileUploads();
    private final AtomicReference<StreamSettings> settings;
    private final AtomicReference<InputRules> inputRules = new AtomicReference<>(InputRules.NONE);
    /** Keys bound to one app mode; a key not in here is answered on every endpoint. */
    private final Map<String, AppMode> modes = new ConcurrentHashMap<>();
    private final AtomicReference<WorkflowVariables> variables = new AtomicReference<>(WorkflowVariables.DEFAULT);
    /** {@code http://127.0.0.1:PORT}, known once the server is bound. */
    private volatile String origin = "http://127.0.0.1";

    SimulatorState(DifySimulatorConfig config) {
        this.config = config;
        this.auth = new BearerAuth(config.apiKeys());
        this.chats = new BoundedLog<>(config.requestLogCapacity());
        this.stops = new BoundedLog<>(config.requestLogCapacity());
        this.feedbacks = new BoundedLog<>(config.requestLogCapacity());
        this.uploads = new BoundedLog<>(config.requestLogCapacity());
        // a stream sends several frames; keep those of about as many streams as requests are kept
        this.frames = new BoundedLog<>(config.requestLogCapacity() * FRAMES_PER_REQUEST);
        this.settings = new AtomicReference<>(config.streamSettings());
    }

    StreamSettings settings() {
        return settings.get();
    }

    void updateSettings(UnaryOperator<StreamSettings> change) {
        settings.updateAndGet(change);
    }

    InputRules inputRules() {
        return inputRules.get();
    }

    void updateInputRules(UnaryOperator<InputRules> change) {
        inputRules.updateAndGet(change);
    }

    /** Refuses {@code apiKey} on {@code endpoint} when the key is bound to another mode, as Dify does. */
    void checkMode(String apiKey, AppMode endpoint) {
        AppMode bound = modes.get(apiKey);
        if (bound != null && bound != endpoint) {
            throw new ApiErrorException(endpoint.wrongEndpoint());
        }
    }

    void bindMode(String apiKey, AppMode mode) {
        modes.put(apiKey, mode);
    }

    /** The mode {@code GET /info} reports for a key: its bound mode, else chat. */
    AppMode mode(String apiKey) {
        return modes.getOrDefault(apiKey, AppMode.CHAT);
    }

    WorkflowVariables variables() {
        return variables.get();
    }

    void variables(WorkflowVariables value) {
        variables.set(value);
    }

    String origin() {
        return origin;
    }

    void origin(String value) {
        origin = value;
    }

    /** Back to the state right after start; open streams are left alone. */
    void reset() {
        settings.set(config.streamSettings());
        inputRules.set(InputRules.NONE);
        modes.clear();
        variables.set(WorkflowVariables.DEFAULT);
        conversations.clear();
        chats.clear();
        stops.clear();
        feedbacks.clear();
        uploads.clear();
        frames.clear();
        files.clear();
    }
}
