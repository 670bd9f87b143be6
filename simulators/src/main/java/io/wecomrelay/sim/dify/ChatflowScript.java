package io.wecomrelay.sim.dify;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Chatflow ({@code advanced-chat}) app with three nodes, start → llm → answer:
 * {@code workflow_started}, node events, {@code message} deltas while the LLM node runs,
 * {@code message_end}, then {@code workflow_finished}, in the order Dify's docs give.
 */
final class ChatflowScript {

    private final EventFactory events;
    private final Steps steps;
    private final List<String> deltas;
    /** A Chatflow app has one published workflow; its id does not change between runs. */
    private static final String WORKFLOW_ID = "7c3e33d4-2a8b-4e5f-9b1a-d3c6e8f12345";

    private final StreamPlan plan;
    private final long startedAt;

    ChatflowScript(EventFactory events, Steps steps, List<String> deltas, StreamPlan plan) {
        this.events = events;
        this.steps = steps;
        this.deltas = deltas;
        this.plan = plan;
        this.startedAt = events.now();
    }

    Flux<byte[]> frames() {
        var start = new Node("start", "start", "Start", 1, null);
        var llm = new Node("llm", "llm", "LLM", 2, "start");
        var answer = new Node("answer", "answer", "Answer", 3, "llm");
        return Flux.concat(
                steps.now(this::workflowStarted),
                steps.now(() -> nodeStarted(start)),
                steps.now(() -> nodeFinished(start, "sys.query", plan.query())),
                steps.now(() -> nodeStarted(llm)),
                steps.deltas(deltas, this::message),
                steps.now(() -> nodeFinished(llm, "text", plan.answer())),
                steps.now(() -> nodeStarted(answer)),
                steps.now(() -> nodeFinished(answer, "answer", plan.answer())),
                steps.later(events::messageEnd),
                steps.now(() -> workflowFinished("succeeded")));
    }

    Flux<byte[]> afterStop() {
        return Flux.concat(steps.now(events::messageEnd), steps.now(() -> workflowFinished("stopped")));
    }

    private record Node(String nodeId, String type, String title, int index, @Nullable String predecessor) {
    }

    private ObjectNode message(String delta) {
        var event = events.message(delta);
        event.putArray("from_variable_selector").add("llm").add("text");
        return event;
    }

    private ObjectNode workflowStarted() {
        var data = events.newObject()
                .put("id", events.workflowRunId())
                .put("workflow_id", WORKFLOW_ID);
        data.set("inputs", inputsWithQuery());
        data.put("created_at", startedAt).put("reason", "initial");
        return events.workflowEvent("workflow_started", data);
    }

    private ObjectNode nodeStarted(Node node) {
        return events.workflowEvent("node_started", nodeData(node));
    }

    private ObjectNode nodeFinished(Node node, String outputName, String output) {
        var data = nodeData(node);
        data.putNull("process_data");
        data.putObject("outputs").put(outputName, output);
        data.put("status", "succeeded").putNull("error");
        data.put("elapsed_time", events.latencySeconds());
        data.putObject("execution_metadata");
        data.put("finished_at", events.now());
        data.putArray("files");
        return events.workflowEvent("node_finished", data);
    }

    private ObjectNode nodeData(Node node) {
        var data = events.newObject()
                .put("id", node.nodeId() + "-" + events.workflowRunId())
                .put("node_id", node.nodeId())
                .put("node_type", node.type())
                .put("title", node.title())
                .put("index", node.index())
                .put("predecessor_node_id", node.predecessor());
        data.set("inputs", node.index() == 1 ? inputsWithQuery() : events.newObject());
        data.put("created_at", events.now());
        data.putObject("extras");
        data.putNull("iteration_id").putNull("loop_id");
        return data;
    }

    private ObjectNode workflowFinished(String status) {
        var data = events.newObject()
                .put("id", events.workflowRunId())
                .put("workflow_id", WORKFLOW_ID)
                .put("status", status);
        data.putObject("outputs").put("answer", plan.answer());
        data.putNull("error");
        data.put("elapsed_time", events.latencySeconds())
                .put("total_tokens", events.totalTokens())
                .put("total_steps", 3)
                .put("created_at", startedAt)
                .put("finished_at", events.now())
                .put("exceptions_count", 0);
        data.putArray("files");
        return events.workflowEvent("workflow_finished", data);
    }

    private ObjectNode inputsWithQuery() {
        var inputs = plan.inputs().isObject() ? ((ObjectNode) plan.inputs()).deepCopy() : events.newObject();
        return inputs.put("sys.query", plan.query());
    }
}
