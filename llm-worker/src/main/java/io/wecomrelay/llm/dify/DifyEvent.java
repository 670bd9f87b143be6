package io.wecomrelay.llm.dify;

import java.util.Map;
import java.util.Objects;

import io.wecomrelay.schemas.event.Usage;
import org.jspecify.annotations.Nullable;

/**
 * One event of a Dify chat stream, typed. The event name comes from the JSON's {@code event}
 * field, never from the SSE {@code event:} line (which only ever says {@code ping}).
 */
public sealed interface DifyEvent {

    /** The ids the event carried; every field may be null. */
    Ids ids();

    /** True for the events after which Dify sends nothing that matters: the client completes there. */
    default boolean terminal() {
        return false;
    }

    /**
     * @param taskId         {@code task_id}, needed to stop the generation
     * @param conversationId {@code conversation_id}
     * @param messageId      {@code message_id}
     */
    record Ids(@Nullable String taskId, @Nullable String conversationId, @Nullable String messageId) {
        public static final Ids NONE = new Ids(null, null, null);
    }

    /** Where answer text came from: New Agent apps close with a {@code message} holding the full answer. */
    enum Source { MESSAGE, AGENT_MESSAGE }

    /** {@code event: ping} keep-alive, or bytes that did not complete an event yet; only resets the idle watchdog. */
    record Ping() implements DifyEvent {
        @Override
        public Ids ids() {
            return Ids.NONE;
        }
    }

    /** {@code message}, {@code agent_message} or a workflow's {@code text_chunk}: more answer text. */
    record Text(String answer, Source source, Ids ids) implements DifyEvent {
        public Text {
            Objects.requireNonNull(answer, "answer");
        }

        // answers are user content, as are the questions they quote
        @Override
        public String toString() {
            return "Text[answer=<" + answer.length() + " chars>, source=" + source + ", ids=" + ids + "]";
        }
    }

    /** {@code message_replace} (or an older workflow's {@code text_replace}): the answer so far is replaced (content moderation). */
    record Replace(String answer, Ids ids) implements DifyEvent {
        @Override
        public String toString() {
            return "Replace[answer=<" + answer.length() + " chars>, ids=" + ids + "]";
        }
    }

    /** {@code message_file}: a file the assistant produced (for example a generated image). */
    record File(String url, String type, Ids ids) implements DifyEvent {
        // a file URL may be signed: its query is a credential
        @Override
        public String toString() {
            return "File[url=<" + url.length() + " chars>, type=" + type + ", ids=" + ids + "]";
        }
    }

    /** {@code agent_thought}: a reasoning or tool step of an agent. */
    record Thought(String thought, @Nullable String tool, Ids ids) implements DifyEvent {
        // an agent's reasoning restates the question
        @Override
        public String toString() {
            return "Thought[thought=<" + thought.length() + " chars>, tool=" + tool + ", ids=" + ids + "]";
        }
    }

    /** {@code message_end}, or a chatflow's {@code workflow_finished} that did not fail: success. */
    record End(@Nullable Usage usage, Ids ids) implements DifyEvent {
        @Override
        public boolean terminal() {
            return true;
        }
    }

    /**
     * {@code reasoning_chunk}: a reasoning model's thinking, sent apart from the answer (an LLM node with
     * {@code reasoning_format: separated}); {@code last} marks its end.
     */
    record Reasoning(String text, boolean last, Ids ids) implements DifyEvent {
        public Reasoning {
            Objects.requireNonNull(text, "text");
        }

        // a model's thinking restates the question
        @Override
        public String toString() {
            return "Reasoning[text=<" + text.length() + " chars>, last=" + last + ", ids=" + ids + "]";
        }
    }

    /**
     * {@code workflow_finished} that did not fail: a workflow app's end, whose answer is one of the {@code outputs}
     * (a chatflow has ended with {@code message_end} before). Outputs that are not text are given as their JSON.
     */
    record WorkflowEnd(@Nullable Usage usage, Map<String, String> outputs, Ids ids) implements DifyEvent {
        public WorkflowEnd {
            outputs = Map.copyOf(outputs);
        }

        @Override
        public boolean terminal() {
            return true;
        }

        // outputs are the workflow's answer
        @Override
        public String toString() {
            return "WorkflowEnd[usage=" + usage + ", outputs=<" + outputs.size() + ">, ids=" + ids + "]";
        }
    }

    /** {@code error}: the generation failed; Dify closes the stream after it. */
    record Failure(int status, String code, String message, Ids ids) implements DifyEvent {
        @Override
        public boolean terminal() {
            return true;
        }

        // Dify's messages may echo the query or the model's output; the status and code say what failed
        @Override
        public String toString() {
            return "Failure[status=" + status + ", code=" + code + ", message=<" + message.length() + " chars>, ids="
                    + ids + "]";
        }
    }

    /** {@code workflow_finished} with {@code status: failed}; an {@code error} event usually follows. */
    record WorkflowFailed(String error, Ids ids) implements DifyEvent {
        // a node's error may quote its inputs, which hold the query
        @Override
        public String toString() {
            return "WorkflowFailed[error=<" + error.length() + " chars>, ids=" + ids + "]";
        }
    }

    /**
     * Not from Dify: the stream passed one of the worker's bounds (a line or an event too large), and
     * nothing after it is read. The reply must end and the task be stopped.
     */
    record Oversized(StreamLimitException.Limit limit, long maxBytes) implements DifyEvent {
        @Override
        public Ids ids() {
            return Ids.NONE;
        }
    }

    /** Any other event (workflow and node progress, tts, unknown newer ones): ignored. */
    record Other(String name, Ids ids) implements DifyEvent {
    }
}
