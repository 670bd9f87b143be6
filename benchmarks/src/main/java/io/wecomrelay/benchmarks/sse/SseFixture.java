package io.wecomrelay.benchmarks.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One realistic Dify chat stream, as a chatflow (advanced-chat) app sends it (compact JSON, Chinese as
 * UTF-8, one {@code data:} line per event, {@code event: ping} keep-alives): the workflow and node events
 * around an LLM node, {@value #MESSAGES} {@code message} events of 1 to 4 Chinese characters each, two
 * pings, the LLM node's {@code node_finished} with its outputs and prompt, {@code workflow_finished}, and
 * a {@code message_end} with usage and a retriever resource. The same bytes in every run.
 */
final class SseFixture {

    static final int MESSAGES = 80;
    /** Every event of the stream, pings included. */
    static final int EVENTS = MESSAGES + 8;

    private static final String TASK = "900bbd43-dc0b-4383-a372-aa6e6c414227";
    private static final String CONVERSATION = "45701982-8118-4bc5-8e9b-64562b4555f2";
    private static final String MESSAGE = "5ad4cb98-f0c7-4085-b384-88c403be6290";
    private static final String RUN = "fb47b2e6-5e43-4f90-be01-d5c5a088d156";
    private static final String QUERY = "请帮我总结一下这份季度报告的要点，并给出下季度的建议。";
    private static final String ANSWER_TEXT = "好的，以下是本季度报告的要点总结：一、营收同比增长百分之十二，主要来自华东和华南地区的新客户；"
            + "二、毛利率小幅下降，原因是原材料价格上涨；三、研发投入增加，新产品线预计下季度上线。"
            + "建议：继续拓展新客户，优化供应链成本，并提前准备新产品的市场推广计划。"
            + "此外，人力成本占比略有上升，建议评估各部门的人员配置；应收账款周转天数延长了五天，需要加强回款管理。如需详细数据或图表，请随时告诉我，我可以继续帮您分析。";

    /** The events' {@code event:} and {@code data:} values, in order. */
    final List<Frame> frames = new ArrayList<>();
    /** The whole response body. */
    final byte[] body;
    /** The body as reads of one event each (Dify flushes every event). */
    final List<byte[]> readsByEvent = new ArrayList<>();
    /** The body as reads of 1 KiB: several events per read, lines cut between reads. */
    final List<byte[]> readsOf1k = new ArrayList<>();
    /** The answer the message events add up to. */
    final String answer;

    record Frame(@Nullable String event, @Nullable String data) {
    }

    SseFixture() {
        var deltas = deltas();
        answer = String.join("", deltas);
        String ids = "\"conversation_id\":\"" + CONVERSATION + "\",\"message_id\":\"" + MESSAGE + "\",\"created_at\":1705398420,"
                + "\"task_id\":\"" + TASK + "\"";
        String workflow = ids + ",\"workflow_run_id\":\"" + RUN + "\"";
        data("{\"event\":\"workflow_started\"," + workflow + ",\"data\":{\"id\":\"" + RUN + "\",\"workflow_id\":"
                + "\"7c3e33d4-2a8b-4e5f-9b1a-d3c6e8f12345\",\"inputs\":{\"sys.query\":\"" + QUERY + "\",\"sys.files\":[],"
                + "\"sys.conversation_id\":\"" + CONVERSATION + "\",\"sys.user_id\":\"wecom-bot-u-1\",\"sys.dialogue_count\":3},"
                + "\"created_at\":1705398420,\"reason\":\"initial\"}}");
        data("{\"event\":\"node_finished\"," + workflow + ",\"data\":{\"id\":\"node-exec-0\",\"node_id\":\"start\","
                + "\"node_type\":\"start\",\"title\":\"开始\",\"index\":1,\"inputs\":{\"sys.query\":\"" + QUERY + "\"},"
                + "\"outputs\":{\"sys.query\":\"" + QUERY + "\"},\"status\":\"succeeded\",\"error\":null,\"elapsed_time\":0.01,"
                + "\"execution_metadata\":null,\"created_at\":1705398420,\"finished_at\":1705398420,\"files\":[]}}");
        data("{\"event\":\"node_started\"," + workflow + ",\"data\":{\"id\":\"node-exec-1\",\"node_id\":\"1735023456789\","
                + "\"node_type\":\"llm\",\"title\":\"LLM\",\"index\":2,\"predecessor_node_id\":\"start\",\"inputs\":null,"
                + "\"created_at\":1705398420,\"extras\":{},\"parallel_id\":null,\"iteration_id\":null,\"loop_id\":null}}");
        ping();
        for (int i = 0; i < MESSAGES; i++) {
            if (i == MESSAGES / 2) {
                ping();
            }
            data("{\"event\":\"message\"," + ids + ",\"id\":\"" + MESSAGE + "\",\"answer\":\"" + deltas.get(i)
                    + "\",\"from_variable_selector\":[\"1735023456789\",\"text\"]}");
        }
        String usage = "{\"prompt_tokens\":812,\"prompt_unit_price\":\"0.001\",\"prompt_price_unit\":\"0.001\","
                + "\"prompt_price\":\"0.0008120\",\"completion_tokens\":164,\"completion_unit_price\":\"0.002\","
                + "\"completion_price_unit\":\"0.001\",\"completion_price\":\"0.0003280\",\"total_tokens\":976,"
                + "\"total_price\":\"0.0011400\",\"currency\":\"USD\",\"latency\":2.315}";
        data("{\"event\":\"node_finished\"," + workflow + ",\"data\":{\"id\":\"node-exec-1\",\"node_id\":\"1735023456789\","
                + "\"node_type\":\"llm\",\"title\":\"LLM\",\"index\":2,\"inputs\":{},\"process_data\":{\"model_mode\":\"chat\","
                + "\"prompts\":[{\"role\":\"system\",\"text\":\"你是一个企业助理，请用中文简洁地回答。\",\"files\":[]},"
                + "{\"role\":\"user\",\"text\":\"" + QUERY + "\",\"files\":[]}],\"usage\":" + usage + ",\"finish_reason\":\"stop\"},"
                + "\"outputs\":{\"text\":\"" + answer + "\",\"usage\":" + usage + ",\"finish_reason\":\"stop\"},"
                + "\"status\":\"succeeded\",\"error\":null,\"elapsed_time\":2.32,\"execution_metadata\":{\"total_tokens\":976,"
                + "\"total_price\":\"0.0011400\",\"currency\":\"USD\"},\"created_at\":1705398420,\"finished_at\":1705398423,"
                + "\"files\":[]}}");
        data("{\"event\":\"workflow_finished\"," + workflow + ",\"data\":{\"id\":\"" + RUN + "\",\"workflow_id\":"
                + "\"7c3e33d4-2a8b-4e5f-9b1a-d3c6e8f12345\",\"status\":\"succeeded\",\"outputs\":{\"answer\":\"" + answer + "\"},"
                + "\"error\":null,\"elapsed_time\":2.41,\"total_tokens\":976,\"total_steps\":3,\"created_by\":{\"id\":\"u-1\","
                + "\"user\":\"wecom-bot-u-1\"},\"created_at\":1705398420,\"finished_at\":1705398423,\"exceptions_count\":0,"
                + "\"files\":[]}}");
        data("{\"event\":\"message_end\"," + ids + ",\"id\":\"" + MESSAGE + "\",\"metadata\":{\"annotation_reply\":null,"
                + "\"retriever_resources\":[{\"position\":1,\"dataset_id\":\"ds-1\",\"dataset_name\":\"季度报告\","
                + "\"document_id\":\"doc-1\",\"document_name\":\"2026Q3.pdf\",\"segment_id\":\"seg-1\",\"score\":0.82,"
                + "\"content\":\"本季度营收同比增长百分之十二。\"}],\"usage\":" + usage + "},\"files\":null}");
        if (frames.size() != EVENTS) {
            throw new IllegalStateException("fixture has " + frames.size() + " events, not " + EVENTS);
        }

        var out = new StringBuilder();
        for (Frame frame : frames) {
            String wire = frame.data() == null ? "event: " + frame.event() + "\n\n" : "data: " + frame.data() + "\n\n";
            readsByEvent.add(wire.getBytes(StandardCharsets.UTF_8));
            out.append(wire);
        }
        body = out.toString().getBytes(StandardCharsets.UTF_8);
        for (int from = 0; from < body.length; from += 1024) {
            readsOf1k.add(Arrays.copyOfRange(body, from, Math.min(body.length, from + 1024)));
        }
    }

    private void data(String json) {
        frames.add(new Frame(null, json));
    }

    private void ping() {
        frames.add(new Frame("ping", null));
    }

    /** The answer cut into pieces of 1 to 4 characters, as a model streams tokens. */
    private static List<String> deltas() {
        var deltas = new ArrayList<String>(MESSAGES);
        int at = 0;
        for (int i = 0; i < MESSAGES; i++) {
            int length = 1 + (i * 7) % 4;
            deltas.add(ANSWER_TEXT.substring(at, at + length));
            at += length;
        }
        return deltas;
    }
}
