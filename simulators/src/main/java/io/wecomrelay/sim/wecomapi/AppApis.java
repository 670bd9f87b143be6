package io.wecomrelay.sim.wecomapi;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A self-built app's side of WeCom's API, with the real limits and error codes (protocol reference §5):
 * <ul>
 * <li>{@code GET /cgi-bin/gettoken?corpid=ID&corpsecret=SECRET}: a fresh token valid {@code tokenLifetime}
 *     ({@code expires_in}, 7,200 s by default); unknown corp 40013, wrong secret 40001;</li>
 * <li>{@code POST /cgi-bin/message/send?access_token=TOKEN}: no token 41001, unknown token 40014, expired token
 *     42001; {@code agentid} not the token's app 301002; {@code msgtype} other than text or markdown 40008; empty
 *     content 44004; content over 2,048 UTF-8 bytes 45002 (WeCom cuts it silently; the simulator refuses it so that
 *     a splitting bug shows); a user outside the app's visibility 81013. At most {@code perUserPermits} messages per
 *     app and user in any window (WeCom: 30 per minute): the excess is answered errcode 0 and dropped, as WeCom does,
 *     and listed in {@link #dropped()}.</li>
 * <li>{@code GET /cgi-bin/media/get?access_token=TOKEN&media_id=ID}: the bytes with their {@code Content-Type} and
 *     {@code Content-Disposition: attachment; filename="ID.ext"}; an unknown or expired (older than 3 days) media id is
 *     a JSON error 40007, as WeCom answers it ({@code Content-Type: application/json});</li>
 * <li>{@code POST /cgi-bin/media/upload?access_token=TOKEN&type=TYPE} (multipart, part {@code media}): type
 *     image, voice, video or file (else 40004); more than 5 bytes and at most 10 MB (image, video), 2 MB (voice) or
 *     20 MB (file), else 40006; an image that is not a JPG or PNG (by its bytes) 40123; answers {@code media_id} and
 *     {@code created_at} (a string). Every upload is listed in {@link #uploads()}, refused ones with their errcode.</li>
 * </ul>
 * {@link #failNextSends} answers the next sends with a given errcode (45009, 60020, ...), {@link #failNextUploads} the
 * next uploads; {@link #expireTokens} makes
 * every issued token expired. Thread-safe.
 */
public final class AppApis {

    public static final int INVALID_CREDENTIAL = 40001;
    public static final int INVALID_CORP_ID = 40013;
    public static final int INVALID_TOKEN = 40014;
    public static final int MISSING_TOKEN = 41001;
    public static final int TOKEN_EXPIRED = 42001;
    public static final int EMPTY_CONTENT = 44004;
    public static final int CONTENT_TOO_LARGE = 45002;
    public static final int AGENT_MISMATCH = 301002;
    public static final int ALL_RECIPIENTS_INVALID = 81013;
    public static final int MAX_BYTES = 2_048;
    public static final int INVALID_MEDIA_TYPE = 40004;
    public static final int INVALID_MEDIA_SIZE = 40006;
    public static final int INVALID_MEDIA_ID = 40007;
    public static final int INVALID_IMAGE = 40123;
    static final Duration MEDIA_LIFETIME = Duration.ofDays(3);
    private static final Map<String, Long> UPLOAD_LIMITS = Map.of("image", 10L << 20, "voice", 2L << 20,
            "video", 10L << 20, "file", 20L << 20);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Clock clock;
    private final Duration window;
    private final Map<String, App> apps = new HashMap<>();
    private final Map<String, Issued> tokens = new HashMap<>();
    private final Map<String, Deque<Instant>> sendTimes = new HashMap<>();
    private final List<AppMessage> messages = new ArrayList<>();
    private final List<AppMessage> dropped = new ArrayList<>();
    private final List<Integer> injected = new ArrayList<>();
    private final Map<String, Media> media = new HashMap<>();
    private final List<Upload> uploads = new ArrayList<>();
    private final List<Integer> injectedUploads = new ArrayList<>();
    private int perUserPermits = 30;
    private Duration tokenLifetime = Duration.ofSeconds(7_200);
    private int tokensIssued;

    AppApis(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    /** A self-built app; its users are all visible unless {@link #hideUser} says otherwise. */
    public synchronized void addApp(String corpId, String secret, int agentId) {
        apps.put(corpId + "\n" + secret, new App(corpId, agentId, new HashSet<>()));
    }

    /** Takes {@code user} out of the visibility of every app with {@code agentId}: sends to them get 81013. */
    public synchronized void hideUser(int agentId, String user) {
        apps.values().stream().filter(app -> app.agentId() == agentId).forEach(app -> app.hidden().add(user));
    }

    public synchronized void tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    public synchronized void perUserPermits(int permits) {
        this.perUserPermits = permits;
    }

    /** Every token issued so far is expired from now on (42001), as after WeCom's two hours or an early revocation. */
    public synchronized void expireTokens() {
        tokens.replaceAll((token, issued) -> new Issued(issued.app(), clock.instant().minusSeconds(1)));
    }

    /** The next {@code count} sends (with a good token) answer {@code errcode}. */
    public synchronized void failNextSends(int count, int errcode) {
        for (int i = 0; i < count; i++) {
            injected.add(errcode);
        }
    }

    /** The next {@code count} uploads (with a good token) answer {@code errcode} and store nothing. */
    public synchronized void failNextUploads(int count, int errcode) {
        for (int i = 0; i < count; i++) {
            injectedUploads.add(errcode);
        }
    }

    public synchronized int tokensIssued() {
        return tokensIssued;
    }

    /** Messages WeCom would have shown, in arrival order. */
    public synchronized List<AppMessage> messages() {
        return List.copyOf(messages);
    }

    /** Messages to one user of one app, in arrival order. */
    public synchronized List<AppMessage> messagesTo(int agentId, String user) {
        return messages.stream().filter(m -> m.agentId() == agentId && m.user().equals(user)).toList();
    }

    /** Messages answered errcode 0 but dropped for the per-user limit. */
    public synchronized List<AppMessage> dropped() {
        return List.copyOf(dropped);
    }

    /** Media a user sent: {@code media/get} serves them for three days from now. */
    public synchronized void addMedia(String mediaId, String contentType, byte[] bytes) {
        media.put(mediaId, new Media(mediaId, contentType, bytes.clone(), clock.instant()));
    }

    /** Every {@code media/upload} with a good token, in arrival order. */
    public synchronized List<Upload> uploads() {
        return List.copyOf(uploads);
    }

    /** The media uploaded (or added) under an id, or null. */
    public synchronized @Nullable Media media(String mediaId) {
        return media.get(mediaId);
    }

    /** The token's problem as a JSON error, or null for a good token. */
    synchronized @Nullable String tokenProblem(String token) {
        if (token.isEmpty()) {
            return error(MISSING_TOKEN, "access_token missing");
        }
        Issued issued = tokens.get(token);
        if (issued == null) {
            return error(INVALID_TOKEN, "invalid access_token");
        }
        if (!issued.expiresAt().isAfter(clock.instant())) {
            return error(TOKEN_EXPIRED, "access_token expired");
        }
        return null;
    }

    /** A live media item, or null when unknown or older than three days. */
    synchronized @Nullable Media download(String mediaId) {
        Media found = media.get(mediaId);
        return found == null || found.createdAt().plus(MEDIA_LIFETIME).isBefore(clock.instant()) ? null : found;
    }

    synchronized String upload(String type, @Nullable String contentType, byte[] bytes) {
        int errcode = injectedUploads.isEmpty() ? uploadProblem(type, bytes) : injectedUploads.remove(0);
        uploads.add(new Upload(type, bytes.length, errcode));
        if (errcode != 0) {
            return error(errcode, errcode == INVALID_MEDIA_TYPE ? "invalid media type"
                    : errcode == INVALID_MEDIA_SIZE ? "invalid media size"
                    : errcode == INVALID_IMAGE ? "invalid image" : "injected errcode " + errcode);
        }
        String mediaId = "3" + UUID.randomUUID().toString().replace("-", "");
        Instant now = clock.instant();
        // WeCom knows an image by the upload's type, whatever the part's Content-Type said
        String stored = type.equals("image") ? ImageFormat.sniff(bytes).orElseThrow().mediaType()
                : contentType == null ? "application/octet-stream" : contentType;
        media.put(mediaId, new Media(mediaId, stored, bytes, now));
        return "{\"errcode\":0,\"errmsg\":\"\",\"type\":\"" + type + "\",\"media_id\":\"" + mediaId
                + "\",\"created_at\":\"" + now.getEpochSecond() + "\"}";
    }

    private static int uploadProblem(String type, byte[] bytes) {
        Long limit = UPLOAD_LIMITS.get(type);
        if (limit == null) {
            return INVALID_MEDIA_TYPE;
        }
        if (bytes.length <= 5 || bytes.length > limit) {
            return INVALID_MEDIA_SIZE;
        }
        return type.equals("image") && ImageFormat.sniff(bytes).isEmpty() ? INVALID_IMAGE : 0;
    }

    static String invalidMedia() {
        return error(INVALID_MEDIA_ID, "invalid media_id");
    }

    synchronized String getToken(String corpId, String secret) {
        if (apps.values().stream().noneMatch(app -> app.corpId().equals(corpId))) {
            return error(INVALID_CORP_ID, "invalid corpid");
        }
        App app = apps.get(corpId + "\n" + secret);
        if (app == null) {
            return error(INVALID_CREDENTIAL, "invalid credential");
        }
        String token = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, new Issued(app, clock.instant().plus(tokenLifetime)));
        tokensIssued++;
        return "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"" + token + "\",\"expires_in\":"
                + tokenLifetime.toSeconds() + "}";
    }

    synchronized String send(String token, String body) {
        String problem = tokenProblem(token);
        if (problem != null) {
            return problem;
        }
        Issued issued = tokens.get(token);
        if (!injected.isEmpty()) {
            int errcode = injected.remove(0);
            return error(errcode, "injected errcode " + errcode);
        }
        return accept(issued.app(), body);
    }

    private String accept(App app, String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JacksonException e) {
            return error(40058, "invalid json");
        }
        if (json.path("agentid").asInt(-1) != app.agentId()) {
            return error(AGENT_MISMATCH, "api forbidden for agent");
        }
        String msgtype = json.path("msgtype").asString("");
        if (!msgtype.equals("text") && !msgtype.equals("markdown") && !msgtype.equals("image")) {
            return error(40008, "invalid message type");
        }
        String content = msgtype.equals("image") ? json.path("image").path("media_id").asString("")
                : json.path(msgtype).path("content").asString("");
        if (msgtype.equals("image")) {
            Media image = download(content);
            if (image == null || !image.contentType().startsWith("image/")) {
                return invalidMedia();
            }
        } else if (content.isEmpty()) {
            return error(EMPTY_CONTENT, "empty content");
        }
        if (content.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return error(CONTENT_TOO_LARGE, "content size out of limit");
        }
        String user = json.path("touser").asString("");
        if (user.isEmpty() || app.hidden().contains(user)) {
            return error(ALL_RECIPIENTS_INVALID, "all touser invalid");
        }
        var message = new AppMessage(app.agentId(), user, msgtype, content, clock.instant());
        (withinUserLimit(app, user) ? messages : dropped).add(message);
        return "{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":\"" + UUID.randomUUID() + "\"}";
    }

    private boolean withinUserLimit(App app, String user) {
        Instant now = clock.instant();
        Deque<Instant> times = sendTimes.computeIfAbsent(app.agentId() + "\n" + user, k -> new ArrayDeque<>());
        while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(window))) {
            times.removeFirst();
        }
        if (times.size() >= perUserPermits) {
            return false;
        }
        times.addLast(now);
        return true;
    }

    private static String error(int errcode, String errmsg) {
        return "{\"errcode\":" + errcode + ",\"errmsg\":\"" + errmsg + "\"}";
    }

    private record App(String corpId, int agentId, Set<String> hidden) {
    }

    private record Issued(App app, Instant expiresAt) {
    }

    /** A media item: what {@code media/get} answers for its id. */
    public record Media(String mediaId, String contentType, byte[] bytes, Instant createdAt) {
        // bytes are content
        @Override
        public String toString() {
            return "Media[mediaId=" + mediaId + ", contentType=" + contentType + ", bytes=" + bytes.length + "]";
        }
    }

    /** One {@code media/upload}: its type, size, and the errcode it was answered (0: stored). */
    public record Upload(String type, int bytes, int errcode) {
    }

    /** A message an app sent to a user; {@code content} is an image message's {@code media_id}. */
    public record AppMessage(int agentId, String user, String msgtype, String content, Instant at) {
    }
}
