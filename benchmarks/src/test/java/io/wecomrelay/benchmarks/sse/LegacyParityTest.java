package io.wecomrelay.benchmarks.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.dify.DifyEvent;
import io.wecomrelay.llm.dify.SseAccess;
import org.junit.jupiter.api.Test;

/**
 * The worker's SSE reading gives what the code before issue 22 (the benchmark's baseline) gave, on random
 * input: JSON with the names Dify's events use, in any order, repeated, of any type, nested anywhere, broken
 * anywhere; and byte streams of random lines, line ends, bytes that are not UTF-8 and bounds, cut anywhere.
 */
class LegacyParityTest {

    private static final String[] NAMES = {"event", "task_id", "conversation_id", "message_id", "answer", "url",
            "belongs_to", "type", "thought", "tool", "code", "message", "status", "metadata", "usage", "data", "text",
            "reasoning", "error", "is_final", "total_tokens", "prompt_tokens", "completion_tokens", "outputs", "id",
            "created_at", "ev\\u0065nt", "an\\\"swer"};
    private static final String[] EVENTS = {"message", "agent_message", "message_replace", "message_file",
            "agent_thought", "message_end", "error", "workflow_finished", "text_chunk", "text_replace",
            "reasoning_chunk", "node_finished", "tts_message", "ping", "", "failed", "user"};
    private static final String[] SCALARS = {"0", "-0", "7", "-3", "1.50", "1e2", "12345678901234567890123", "true",
            "false", "null", "\"\"", "\"12\"", "\"true\"", "\"failed\"", "\"user\"", "\"你好🙂\"", "\"a\\\"b\\\\c\\n\\u4f60\"",
            "\" 12 \""};
    private static final String BREAKERS = "{}[],:\"\\ \t\n'x0-.e\ufeff";

    @Test
    void parsesEveryFrameAsTheBaselineDid() {
        var random = new SplittableRandom(22);
        var fixture = new SseFixture();
        var inputs = new ArrayList<String>();
        fixture.frames.forEach(frame -> inputs.add(frame.data()));
        for (int i = 0; i < 40_000; i++) {
            String json = object(random, 0);
            inputs.add(random.nextInt(4) == 0 ? broken(json, random) : json);
        }
        for (SseFixture.Frame frame : fixture.frames) {
            if (frame.data() != null) {
                for (int i = 0; i < 20; i++) {
                    inputs.add(broken(frame.data(), random));
                }
            }
        }

        for (String data : inputs) {
            assertThat(SseAccess.parse(null, data)).as(data)
                    .isEqualTo(LegacyDifyEventParser.parse(new LegacySseFrame(null, data)));
        }
    }

    @Test
    void readsEveryStreamAsTheBaselineDid() {
        var random = new SplittableRandom(18);
        for (int round = 0; round < 5_000; round++) {
            byte[] body = stream(random);
            var limits = new DifyClient.StreamLimits(8 + random.nextInt(120), 8 + random.nextInt(200));
            var legacy = new LegacySseEvents(limits);
            var streaming = new SseAccess(limits);
            var expected = new ArrayList<DifyEvent>();
            var actual = new ArrayList<DifyEvent>();
            int from = 0;
            while (from < body.length) {
                int to = Math.min(body.length, from + 1 + random.nextInt(random.nextBoolean() ? 8 : 200));
                byte[] read = Arrays.copyOfRange(body, from, to);
                expected.addAll(legacy.read(read));
                actual.addAll(streaming.read(read));
                from = to;
            }
            expected.addAll(legacy.finish());
            actual.addAll(streaming.finish());

            assertThat(actual).as("round %d: %s", round, new String(body, StandardCharsets.UTF_8)).isEqualTo(expected);
        }
    }

    private static String object(SplittableRandom random, int depth) {
        var json = new StringBuilder("{");
        if (depth == 0 && random.nextInt(5) != 0) {
            json.append("\"event\":\"").append(EVENTS[random.nextInt(EVENTS.length)]).append('"');
        }
        int fields = random.nextInt(depth == 0 ? 8 : 4);
        for (int i = 0; i < fields; i++) {
            if (json.length() > 1) {
                json.append(',');
            }
            String name = NAMES[random.nextInt(NAMES.length)];
            json.append('"').append(name).append("\":").append(value(random, depth + 1, name));
        }
        return json.append('}').toString();
    }

    /** Mostly what Dify sends under the name (an event name, an object), else anything. */
    private static String value(SplittableRandom random, int depth, String name) {
        boolean typical = random.nextInt(10) < 7;
        if (typical && name.equals("event")) {
            return '"' + EVENTS[random.nextInt(EVENTS.length)] + '"';
        }
        if (typical && depth <= 3 && List.of("data", "metadata", "usage", "outputs").contains(name)) {
            return object(random, depth);
        }
        int kind = random.nextInt(depth > 3 ? 3 : 6);
        return switch (kind) {
            case 0 -> SCALARS[random.nextInt(SCALARS.length)];
            case 1 -> '"' + EVENTS[random.nextInt(EVENTS.length)] + '"';
            case 2 -> "\"" + "长".repeat(random.nextInt(4)) + "\"";
            case 3, 4 -> object(random, depth);
            default -> {
                var array = new StringBuilder("[");
                for (int i = random.nextInt(3); i > 0; i--) {
                    array.append(value(random, depth + 1, "")).append(i > 1 ? "," : "");
                }
                yield array.append(']').toString();
            }
        };
    }

    /** The JSON cut short, or with a character put in, taken out, or a second document after it. */
    private static String broken(String json, SplittableRandom random) {
        int at = random.nextInt(json.length() + 1);
        return switch (random.nextInt(4)) {
            case 0 -> json.substring(0, at);
            case 1 -> json.substring(0, at) + BREAKERS.charAt(random.nextInt(BREAKERS.length())) + json.substring(at);
            case 2 -> at == json.length() ? json + " " : json.substring(0, at) + json.substring(at + 1);
            default -> json + (random.nextBoolean() ? "{}" : " ");
        };
    }

    private static byte[] stream(SplittableRandom random) {
        var out = new ByteArrayOutputStream();
        for (int lines = random.nextInt(30); lines > 0; lines--) {
            String line = switch (random.nextInt(9)) {
                case 0, 1 -> "data: " + object(random, 0);
                case 2 -> "data:" + "文".repeat(random.nextInt(40));
                case 3 -> "data";
                case 4 -> "event: ping";
                case 5 -> random.nextBoolean() ? ": comment" : "id: 1";
                case 6 -> "event" + (random.nextBoolean() ? "" : ":x");
                default -> "";
            };
            out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            if (random.nextInt(10) == 0) {
                // bytes that are not UTF-8: a cut character, a stray continuation byte
                out.writeBytes(new byte[] {(byte) 0xe4, (byte) 0xbd, (byte) (0x80 + random.nextInt(64))});
            }
            out.writeBytes(switch (random.nextInt(4)) {
                case 0 -> new byte[] {'\r'};
                case 1 -> new byte[] {'\r', '\n'};
                default -> new byte[] {'\n'};
            });
        }
        return out.toByteArray();
    }
}
