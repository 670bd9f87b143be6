package io.wecomrelay.llm.input;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** What a WeCom message asks the worker to do. */
public sealed interface Input {

    /**
     * Ask Dify {@code text} (the user's words, with quoted context), passing {@code attachments} as
     * files. {@code text} is never empty: a message with media only gets a configured query.
     */
    record Query(String text, List<Attachment> attachments) implements Input {
        public Query {
            attachments = List.copyOf(attachments);
        }

        public Query(String text) {
            this(text, List.of());
        }

        // user content: keep it out of logs
        @Override
        public String toString() {
            return "Query[<" + text.length() + " chars>, attachments=" + attachments + "]";
        }
    }

    /**
     * A WeCom {@code feedback_event}: the user rated the reply whose stream id is {@code feedbackId}.
     *
     * @param rating  what to tell Dify
     * @param content the user's words (usually only with a dislike), or null
     */
    record Feedback(String feedbackId, Rating rating, @Nullable String content) implements Input {
        // user content: keep it out of logs
        @Override
        public String toString() {
            return "Feedback[feedbackId=" + feedbackId + ", rating=" + rating + "]";
        }
    }

    /** WeCom's feedback {@code type}: 1 like, 2 dislike, 3 withdrawn (Dify's {@code rating: null}). */
    enum Rating { LIKE, DISLIKE, WITHDRAWN }

    /** A reset command: forget the conversation and say so. */
    record Reset() implements Input {
    }

    /** Nothing left once the mention is removed. */
    record Empty() implements Input {
    }

    /** A message the worker cannot pass to Dify (an unknown type, or a mixed message with nothing usable). */
    record Unsupported(String msgType) implements Input {
    }

    /** An event (enter_chat, card click, unreadable feedback) the worker does nothing for. */
    record Ignored(String why) implements Input {
    }
}
