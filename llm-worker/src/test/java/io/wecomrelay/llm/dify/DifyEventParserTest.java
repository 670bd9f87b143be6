package io.wecomrelay.llm.dify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.wecomrelay.schemas.event.Usage;
import org.junit.jupiter.api.Test;

/**
 * What each Dify event becomes, also when Dify (or something between) sends it oddly: fields in another order,
 * twice, of another type, nested where a needed name also occurs, or JSON that is broken anywhere, also in a part
 * the worker does not read.
 */
class DifyEventParserTest {

    private static final DifyEvent.Ids IDS = new DifyEvent.Ids("t", "c", "m");
    private static final String HEAD = "\"task_id\":\"t\",\"conversation_id\":\"c\",\"message_id\":\"m\"";
    private static final DifyEvent UNPARSEABLE = new DifyEvent.Other("unparseable", DifyEvent.Ids.NONE);

    private static DifyEvent parse(String data) {
        return DifyEventParser.parse(new SseFrame(null, data));
    }

    private static DifyEvent text(String answer) {
        return new DifyEvent.Text(answer, DifyEvent.Source.MESSAGE, DifyEvent.Ids.NONE);
    }

    @Test
    void framesWithoutDataArePings() {
        assertThat(parse(null)).isEqualTo(new DifyEvent.Ping());
        assertThat(parse("")).isEqualTo(new DifyEvent.Ping());
        assertThat(parse(" \t ")).isEqualTo(new DifyEvent.Ping());
    }

    @Test
    void everyEventTheWorkerReads() {
        assertThat(parse("{\"event\":\"message\"," + HEAD + ",\"id\":\"x\",\"answer\":\"你好\",\"created_at\":1705398420,"
                + "\"from_variable_selector\":null}"))
                .isEqualTo(new DifyEvent.Text("你好", DifyEvent.Source.MESSAGE, IDS));
        assertThat(parse("{\"event\":\"agent_message\"," + HEAD + ",\"answer\":\"a\"}"))
                .isEqualTo(new DifyEvent.Text("a", DifyEvent.Source.AGENT_MESSAGE, IDS));
        assertThat(parse("{\"event\":\"message_replace\"," + HEAD + ",\"answer\":\"r\"}"))
                .isEqualTo(new DifyEvent.Replace("r", IDS));
        assertThat(parse("{\"event\":\"message_file\"," + HEAD + ",\"id\":\"f\",\"type\":\"image\",\"belongs_to\":\"assistant\","
                + "\"url\":\"https://example.com/cat.png?sign=1\"}"))
                .isEqualTo(new DifyEvent.File("https://example.com/cat.png?sign=1", "image", IDS));
        assertThat(parse("{\"event\":\"agent_thought\"," + HEAD + ",\"position\":1,\"thought\":\"hm\",\"observation\":\"o\","
                + "\"tool\":\"dalle3\",\"tool_input\":\"{\\\"dalle3\\\": {}}\",\"message_files\":[\"f\"]}"))
                .isEqualTo(new DifyEvent.Thought("hm", "dalle3", IDS));
        assertThat(parse("{\"event\":\"message_end\"," + HEAD + ",\"metadata\":{\"retriever_resources\":[{\"position\":1,"
                + "\"content\":\"doc\",\"usage\":{\"total_tokens\":99}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
                + "\"total_tokens\":7,\"total_price\":\"0.001\",\"latency\":1.5}},\"files\":[]}"))
                .isEqualTo(new DifyEvent.End(new Usage(3, 4, 7), IDS));
        assertThat(parse("{\"event\":\"error\",\"conversation_id\":\"c\",\"message_id\":\"m\",\"status\":400,"
                + "\"code\":\"completion_request_error\",\"message\":\"[openai] Rate Limit Error\"}"))
                .isEqualTo(new DifyEvent.Failure(400, "completion_request_error", "[openai] Rate Limit Error",
                        new DifyEvent.Ids(null, "c", "m")));
        assertThat(parse("{\"event\":\"text_chunk\"," + HEAD + ",\"data\":{\"text\":\"Bonjour\","
                + "\"from_variable_selector\":[\"node_1\",\"text\"]}}"))
                .isEqualTo(new DifyEvent.Text("Bonjour", DifyEvent.Source.MESSAGE, IDS));
        assertThat(parse("{\"event\":\"text_replace\"," + HEAD + ",\"data\":{\"text\":\"x\"}}"))
                .isEqualTo(new DifyEvent.Replace("x", IDS));
        assertThat(parse("{\"event\":\"reasoning_chunk\"," + HEAD + ",\"data\":{\"reasoning\":\"think\",\"is_final\":true}}"))
                .isEqualTo(new DifyEvent.Reasoning("think", true, IDS));
        assertThat(parse("{\"event\":\"workflow_finished\"," + HEAD + ",\"workflow_run_id\":\"w\",\"data\":{\"id\":\"w\","
                + "\"status\":\"succeeded\",\"outputs\":{\"result\":\"Bonjour le monde\"},\"elapsed_time\":1.23,"
                + "\"total_tokens\":150,\"total_steps\":3}}"))
                .isEqualTo(new DifyEvent.WorkflowEnd(new Usage(0, 0, 150), Map.of("result", "Bonjour le monde"), IDS));
        assertThat(parse("{\"event\":\"workflow_finished\"," + HEAD + ",\"data\":{\"status\":\"failed\",\"error\":\"boom\","
                + "\"outputs\":{\"a\":\"b\"},\"total_tokens\":5}}"))
                .isEqualTo(new DifyEvent.WorkflowFailed("boom", IDS));
    }

    @Test
    void eventsTheWorkerIgnoresKeepTheirNameAndIds() {
        assertThat(parse("{\"event\":\"node_finished\"," + HEAD + ",\"data\":{\"node_type\":\"llm\",\"status\":\"failed\","
                + "\"error\":\"e\",\"text\":\"not an answer\",\"outputs\":{\"text\":\"long\"},\"process_data\":{\"a\":[1,[2,{}]]}}}"))
                .isEqualTo(new DifyEvent.Other("node_finished", IDS));
        assertThat(parse("{\"event\":\"workflow_started\"," + HEAD + ",\"data\":{\"inputs\":{\"query\":\"q\"}}}"))
                .isEqualTo(new DifyEvent.Other("workflow_started", IDS));
        assertThat(parse("{\"event\":\"tts_message\"," + HEAD + ",\"audio\":\"UklGRg==\"}"))
                .isEqualTo(new DifyEvent.Other("tts_message", IDS));
        assertThat(parse("{" + HEAD + ",\"answer\":\"no event name\"}")).isEqualTo(new DifyEvent.Other("", IDS));
        assertThat(parse("{}")).isEqualTo(new DifyEvent.Other("", DifyEvent.Ids.NONE));
    }

    @Test
    void namesMayComeInAnyOrderAndNamesNestedElsewhereAreNotTheEventsOwn() {
        assertThat(parse("{\"answer\":\"late\",\"message_id\":\"m\",\"conversation_id\":\"c\",\"task_id\":\"t\",\"event\":\"message\"}"))
                .isEqualTo(new DifyEvent.Text("late", DifyEvent.Source.MESSAGE, IDS));
        assertThat(parse("{\"metadata\":{\"usage\":{\"total_tokens\":7}},\"event\":\"message_end\"}"))
                .isEqualTo(new DifyEvent.End(new Usage(0, 0, 7), DifyEvent.Ids.NONE));
        assertThat(parse("{\"data\":{\"status\":\"failed\",\"error\":\"e\"},\"event\":\"workflow_finished\"}"))
                .isEqualTo(new DifyEvent.WorkflowFailed("e", DifyEvent.Ids.NONE));
        assertThat(parse("{\"data\":{\"outputs\":{\"o\":\"v\"},\"status\":\"succeeded\"},\"event\":\"workflow_finished\"}"))
                .isEqualTo(new DifyEvent.WorkflowEnd(null, Map.of("o", "v"), DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"message\",\"x\":[{\"answer\":\"no\"},[[\"answer\",{\"event\":\"error\"}]]],"
                + "\"y\":{\"answer\":\"no\",\"task_id\":\"no\",\"data\":{\"text\":\"no\"}},\"answer\":\"yes\",\"z\":[]}"))
                .isEqualTo(text("yes"));
        assertThat(parse("{\"event\":\"text_chunk\",\"data\":{\"x\":{\"text\":\"no\"},\"text\":\"yes\",\"y\":[\"text\"]}}"))
                .isEqualTo(text("yes"));
        assertThat(parse("{\"event\":\"message_end\",\"metadata\":{\"x\":{\"usage\":{\"total_tokens\":1}}},"
                + "\"usage\":{\"total_tokens\":2}}"))
                .isEqualTo(new DifyEvent.End(null, DifyEvent.Ids.NONE));
    }

    @Test
    void escapesInNamesAndValuesAreDecoded() {
        assertThat(parse("{\"ev\\u0065nt\":\"mess\\u0061ge\",\"an\\\"swer\":\"no\",\"answer\":\"a\\\"b\\\\c\\n\\t\\u4f60\\ud83d\\ude42/\\/\"}"))
                .isEqualTo(text("a\"b\\c\n\t你🙂//"));
        assertThat(parse("{\"event\":\"message\",\"answer\":\"\\ud800\"}")).isEqualTo(text("\ud800"));
        assertThat(parse("{\"event\":\"message\",\"answer\\u0000\":\"no\",\"answer\":\"\"}")).isEqualTo(text(""));
    }

    @Test
    void theLastOfADuplicatedNameCounts() {
        assertThat(parse("{\"event\":\"message\",\"answer\":\"a\",\"answer\":\"b\"}")).isEqualTo(text("b"));
        assertThat(parse("{\"event\":\"message\",\"answer\":\"a\",\"answer\":{\"x\":1}}")).isEqualTo(text(""));
        assertThat(parse("{\"event\":\"message\",\"answer\":\"a\",\"event\":\"message_end\"}"))
                .isEqualTo(new DifyEvent.End(null, DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"node_finished\",\"data\":{\"text\":\"t\"},\"event\":\"text_chunk\"}"))
                .isEqualTo(text("t"));
        assertThat(parse("{\"event\":\"node_started\",\"metadata\":{\"usage\":{\"total_tokens\":3}},\"event\":\"message_end\"}"))
                .isEqualTo(new DifyEvent.End(new Usage(0, 0, 3), DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"message_end\",\"metadata\":{\"usage\":{\"total_tokens\":5}},\"metadata\":{}}"))
                .isEqualTo(new DifyEvent.End(null, DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"message_end\",\"metadata\":{\"usage\":{\"total_tokens\":5},\"usage\":7}}"))
                .isEqualTo(new DifyEvent.End(null, DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"text_chunk\",\"data\":{\"text\":\"a\"},\"data\":{\"other\":1}}")).isEqualTo(text(""));
        assertThat(parse("{\"event\":\"text_chunk\",\"data\":{\"text\":\"a\",\"text\":\"b\"}}")).isEqualTo(text("b"));
        assertThat(parse("{\"event\":\"message\",\"task_id\":\"1\",\"task_id\":null}")).isEqualTo(text(""));
    }

    @Test
    void textFieldsOfAnotherTypeReadAsJacksonWritesTheValue() {
        assertThat(parse("{\"event\":\"message\",\"answer\":123}")).isEqualTo(text("123"));
        assertThat(parse("{\"event\":\"message\",\"answer\":-0}")).isEqualTo(text("0"));
        assertThat(parse("{\"event\":\"message\",\"answer\":1.50}")).isEqualTo(text("1.5"));
        assertThat(parse("{\"event\":\"message\",\"answer\":1e2}")).isEqualTo(text("100.0"));
        assertThat(parse("{\"event\":\"message\",\"answer\":123456789012345678901234567890}"))
                .isEqualTo(text("123456789012345678901234567890"));
        assertThat(parse("{\"event\":\"message\",\"answer\":true}")).isEqualTo(text("true"));
        assertThat(parse("{\"event\":\"message\",\"answer\":null}")).isEqualTo(text(""));
        assertThat(parse("{\"event\":\"message\",\"answer\":[\"a\"]}")).isEqualTo(text(""));
        assertThat(parse("{\"event\":12,\"task_id\":7}")).isEqualTo(new DifyEvent.Other("12", new DifyEvent.Ids("7", null, null)));
        assertThat(parse("{\"event\":null}")).isEqualTo(new DifyEvent.Other("", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":{\"name\":\"message\"}}")).isEqualTo(new DifyEvent.Other("", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"agent_thought\",\"thought\":false,\"tool\":[]}"))
                .isEqualTo(new DifyEvent.Thought("false", null, DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"text_chunk\",\"data\":\"text\"}")).isEqualTo(text(""));
        assertThat(parse("{\"event\":\"text_chunk\",\"data\":[{\"text\":\"no\"}]}")).isEqualTo(text(""));
    }

    @Test
    void usageIsReadLeniently() {
        assertThat(end("{\"prompt_tokens\":3,\"completion_tokens\":4}")).isEqualTo(new Usage(3, 4, 7));
        assertThat(end("{\"prompt_tokens\":-3,\"completion_tokens\":4,\"total_tokens\":-1}")).isEqualTo(new Usage(0, 4, 0));
        assertThat(end("{\"prompt_tokens\":\"12\",\"completion_tokens\":1.9,\"total_tokens\":\"x\"}")).isEqualTo(new Usage(12, 1, 13));
        assertThat(end("{\"prompt_tokens\":null,\"completion_tokens\":true,\"total_tokens\":[1]}")).isEqualTo(new Usage(0, 0, 0));
        assertThat(end("{}")).isEqualTo(new Usage(0, 0, 0));
        assertThat(end("null")).isNull();
        assertThat(end("[]")).isNull();
        assertThat(end("\"usage\"")).isNull();
        assertThat(parse("{\"event\":\"message_end\",\"metadata\":[{\"usage\":{}}]}")).isEqualTo(new DifyEvent.End(null, DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"message_end\",\"metadata\":null}")).isEqualTo(new DifyEvent.End(null, DifyEvent.Ids.NONE));
    }

    private static Usage end(String usage) {
        return ((DifyEvent.End) parse("{\"event\":\"message_end\",\"metadata\":{\"usage\":" + usage + "}}")).usage();
    }

    @Test
    void errorsFilesAndWorkflowEndsFallBackToDefaults() {
        assertThat(parse("{\"event\":\"error\"}")).isEqualTo(new DifyEvent.Failure(500, "internal_server_error", "", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"error\",\"status\":\"429\",\"code\":\"\",\"message\":null}"))
                .isEqualTo(new DifyEvent.Failure(429, "internal_server_error", "", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"error\",\"status\":400.7,\"code\":5}"))
                .isEqualTo(new DifyEvent.Failure(400, "5", "", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"error\",\"status\":{\"code\":400},\"code\":\"c\",\"message\":\"m\"}"))
                .isEqualTo(new DifyEvent.Failure(500, "c", "m", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"message_file\",\"url\":\"u\",\"belongs_to\":\"user\"}"))
                .isEqualTo(new DifyEvent.Other("message_file", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"message_file\",\"type\":\"image\"}"))
                .isEqualTo(new DifyEvent.Other("message_file", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"message_file\",\"url\":\"u\",\"type\":\"\"}"))
                .isEqualTo(new DifyEvent.File("u", "file", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"reasoning_chunk\",\"data\":{\"reasoning\":\"r\",\"is_final\":\"true\"}}"))
                .isEqualTo(new DifyEvent.Reasoning("r", true, DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"reasoning_chunk\",\"data\":{\"is_final\":1}}"))
                .isEqualTo(new DifyEvent.Reasoning("", true, DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"reasoning_chunk\",\"data\":{\"is_final\":{}}}"))
                .isEqualTo(new DifyEvent.Reasoning("", false, DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"workflow_finished\",\"data\":{\"total_tokens\":\"150\",\"outputs\":{\"s\":\"t\",\"n\":1.50,"
                + "\"o\":{\"k\":[1,\"v\"]},\"z\":null,\"b\":false,\"a\":[]}}}"))
                .isEqualTo(new DifyEvent.WorkflowEnd(new Usage(0, 0, 150),
                        Map.of("s", "t", "n", "1.5", "o", "{\"k\":[1,\"v\"]}", "b", "false", "a", "[]"), DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"workflow_finished\",\"data\":{\"total_tokens\":0,\"outputs\":[\"x\"]}}"))
                .isEqualTo(new DifyEvent.WorkflowEnd(null, Map.of(), DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"workflow_finished\",\"data\":{\"status\":\"failed\"}}"))
                .isEqualTo(new DifyEvent.WorkflowFailed("", DifyEvent.Ids.NONE));
        assertThat(parse("{\"event\":\"workflow_finished\"}")).isEqualTo(new DifyEvent.WorkflowEnd(null, Map.of(), DifyEvent.Ids.NONE));
    }

    @Test
    void brokenJsonAnywhereIsUnparseableAlsoInPartsTheWorkerSkips() {
        assertThat(parse("not json")).isEqualTo(UNPARSEABLE);
        assertThat(parse("[{\"event\":\"message\"}]")).isEqualTo(UNPARSEABLE);
        assertThat(parse("\"message\"")).isEqualTo(UNPARSEABLE);
        assertThat(parse("null")).isEqualTo(UNPARSEABLE);
        assertThat(parse("42")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\",\"answer\":\"a")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\",\"answer\":\"a\"")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\",\"answer\":\"a\",}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\"} trailing")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\"}{}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\"}]")).isEqualTo(UNPARSEABLE);
        assertThat(parse("\ufeff{\"event\":\"message\"}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{'event':'message'}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\",\"skipped\":\"tab\tinside\",\"answer\":\"a\"}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\",\"skipped\":\"\\q\",\"answer\":\"a\"}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\",\"skipped\":NaN,\"answer\":\"a\"}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\",\"skipped\":[1,}],\"answer\":\"a\"}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"node_finished\",\"data\":{\"outputs\":{\"x\":tru}}}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message_end\",\"metadata\":{\"retriever_resources\":[{\"a\":1}}]}}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("  {\"event\":\"message\",\"answer\":\"a\"}\t ")).isEqualTo(text("a"));
    }

    @Test
    void jacksonsBoundsHoldAlsoInSkippedParts() {
        String deep = "[".repeat(600) + "]".repeat(600);
        assertThat(parse("{\"event\":\"message\",\"skipped\":" + deep + ",\"answer\":\"a\"}")).isEqualTo(UNPARSEABLE);
        String shallow = "[".repeat(400) + "]".repeat(400);
        assertThat(parse("{\"event\":\"message\",\"skipped\":" + shallow + ",\"answer\":\"a\"}")).isEqualTo(text("a"));
        assertThat(parse("{\"event\":\"message\",\"skipped\":" + "9".repeat(1001) + ",\"answer\":\"a\"}")).isEqualTo(UNPARSEABLE);
        assertThat(parse("{\"event\":\"message\",\"skipped\":" + "9".repeat(1000) + ",\"answer\":\"a\"}")).isEqualTo(text("a"));
        assertThat(parse("{\"event\":\"message\",\"" + "k".repeat(50_001) + "\":1,\"answer\":\"a\"}")).isEqualTo(UNPARSEABLE);
    }

    @Test
    void aLargeAnswerIsReadWhole() {
        String answer = "长文本，".repeat(60_000) + "🙂";
        assertThat(parse("{\"event\":\"message\",\"answer\":\"" + answer + "\"}")).isEqualTo(text(answer));
    }
}
