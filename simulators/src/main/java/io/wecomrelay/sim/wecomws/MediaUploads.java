package io.wecomrelay.sim.wecomws;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * WeCom's temporary media upload over the long connection (protocol reference §6.9), with its limits:
 * {@code aibot_upload_media_init} ({@code type} file, image, voice or video, else 40004; {@code total_size} within the
 * type's cap, image and voice 2 MB, video 10 MB, file 20 MB, else 40006; 1..100 {@code total_chunks}, else 40058; at
 * most 30 uploads a minute and 1,000 an hour per bot, else 45009) answers an {@code upload_id}, valid 30 minutes;
 * {@code aibot_upload_media_chunk} takes one chunk of at most 512 KB before base64 (else 40006), idempotent and in
 * any order, {@code chunk_index} 0- or 1-based (the reference finds both in WeCom's own code); {@code
 * aibot_upload_media_finish} joins them (every chunk there, {@code total_size} bytes, the {@code md5} when one was
 * given, else 40006; an image must be a JPG or PNG, else 40123) and answers {@code media_id}. An unknown or
 * expired upload id is 40007 (the simulator's choice, as are 40058 and 40123 here: WeCom's codes are unconfirmed).
 * Not thread-safe: the simulator calls it under its lock.
 */
final class MediaUploads {

    static final int INVALID_TYPE = 40004;
    static final int INVALID_SIZE = 40006;
    static final int INVALID_UPLOAD = 40007;
    static final int INVALID_PARAMETER = 40058;
    static final int INVALID_IMAGE = 40123;
    static final int FREQUENCY_LIMIT = 45009;
    static final int MAX_CHUNK_BYTES = 512 * 1024;
    static final int MAX_CHUNKS = 100;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, Integer> SIZE_LIMITS = Map.of("image", 2 << 20, "voice", 2 << 20,
            "video", 10 << 20, "file", 20 << 20);
    private static final Duration SESSION = Duration.ofMinutes(30);
    private static final int PER_MINUTE = 30;
    private static final int PER_HOUR = 1_000;

    private final Clock clock;
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, Deque<Instant>> starts = new HashMap<>();
    private final Map<String, UploadedMedia> media = new HashMap<>();
    private final List<UploadedMedia> uploaded = new ArrayList<>();

    MediaUploads(Clock clock) {
        this.clock = clock;
    }

    /** The ack of one upload command: its errcode and, for init and finish, its body. */
    record Answer(int errcode, @Nullable JsonNode body) {

        static Answer failed(int errcode) {
            return new Answer(errcode, null);
        }
    }

    Answer handle(String botId, String cmd, JsonNode body) {
        return switch (cmd) {
            case "aibot_upload_media_init" -> init(botId, body);
            case "aibot_upload_media_chunk" -> chunk(botId, body);
            default -> finish(botId, body);
        };
    }

    /** A media id this bot uploaded and WeCom would still know, or null. */
    @Nullable UploadedMedia media(String botId, String mediaId) {
        UploadedMedia found = media.get(mediaId);
        return found != null && found.botId().equals(botId) ? found : null;
    }

    List<UploadedMedia> uploaded() {
        return List.copyOf(uploaded);
    }

    private Answer init(String botId, JsonNode body) {
        String type = body.path("type").asString("");
        Integer limit = SIZE_LIMITS.get(type);
        if (limit == null) {
            return Answer.failed(INVALID_TYPE);
        }
        long size = body.path("total_size").asLong(-1);
        int chunks = body.path("total_chunks").asInt(-1);
        if (size <= 0 || size > limit) {
            return Answer.failed(INVALID_SIZE);
        }
        if (chunks < 1 || chunks > MAX_CHUNKS) {
            return Answer.failed(INVALID_PARAMETER);
        }
        if (!withinRate(botId)) {
            return Answer.failed(FREQUENCY_LIMIT);
        }
        String uploadId = UUID.randomUUID().toString().replace("-", "");
        sessions.put(uploadId, new Session(botId, type, body.path("filename").asString(""), size, chunks,
                body.path("md5").asString(""), clock.instant(), new TreeMap<>()));
        ObjectNode answer = JSON.createObjectNode().put("upload_id", uploadId);
        return new Answer(0, answer);
    }

    private Answer chunk(String botId, JsonNode body) {
        Session session = session(botId, body);
        if (session == null) {
            return Answer.failed(INVALID_UPLOAD);
        }
        int index = body.path("chunk_index").asInt(-1);
        if (index < 0 || index > session.chunks()) {
            return Answer.failed(INVALID_PARAMETER);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(body.path("base64_data").asString(""));
        } catch (IllegalArgumentException e) {
            return Answer.failed(INVALID_PARAMETER);
        }
        if (bytes.length == 0 || bytes.length > MAX_CHUNK_BYTES) {
            return Answer.failed(INVALID_SIZE);
        }
        session.parts().put(index, bytes);
        return new Answer(0, null);
    }

    private Answer finish(String botId, JsonNode body) {
        Session session = session(botId, body);
        if (session == null) {
            return Answer.failed(INVALID_UPLOAD);
        }
        byte[] joined = session.joined();
        if (joined == null || joined.length != session.size()
                || !session.md5().isEmpty() && !session.md5().equalsIgnoreCase(md5(joined))) {
            return Answer.failed(INVALID_SIZE);
        }
        if (session.type().equals("image") && ImageFormat.sniff(joined).isEmpty()) {
            return Answer.failed(INVALID_IMAGE);
        }
        sessions.remove(body.path("upload_id").asString(""));
        String mediaId = "3" + UUID.randomUUID().toString().replace("-", "");
        var done = new UploadedMedia(botId, mediaId, session.type(), session.filename(), joined);
        media.put(mediaId, done);
        uploaded.add(done);
        ObjectNode answer = JSON.createObjectNode().put("type", session.type()).put("media_id", mediaId)
                .put("created_at", Long.toString(clock.instant().getEpochSecond()));
        return new Answer(0, answer);
    }

    private @Nullable Session session(String botId, JsonNode body) {
        Session session = sessions.get(body.path("upload_id").asString(""));
        if (session == null || !session.botId().equals(botId) || session.started().plus(SESSION).isBefore(clock.instant())) {
            return null;
        }
        return session;
    }

    private boolean withinRate(String botId) {
        Instant now = clock.instant();
        Deque<Instant> times = starts.computeIfAbsent(botId, id -> new ArrayDeque<>());
        while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(Duration.ofHours(1)))) {
            times.removeFirst();
        }
        long lastMinute = times.stream().filter(at -> at.isAfter(now.minus(Duration.ofMinutes(1)))).count();
        if (lastMinute >= PER_MINUTE || times.size() >= PER_HOUR) {
            return false;
        }
        times.addLast(now);
        return true;
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One upload in progress: its chunks by index, whichever base the client counts from. */
    private record Session(String botId, String type, String filename, long size, int chunks, String md5,
                           Instant started, TreeMap<Integer, byte[]> parts) {

        /** The chunks joined when exactly indexes 0..n-1 or 1..n are there, else null. */
        @Nullable byte[] joined() {
            if (parts.size() != chunks) {
                return null;
            }
            int first = parts.firstKey();
            if (first > 1 || parts.lastKey() != first + chunks - 1) {
                return null;
            }
            var out = new java.io.ByteArrayOutputStream();
            parts.values().forEach(out::writeBytes);
            return out.toByteArray();
        }
    }

}
