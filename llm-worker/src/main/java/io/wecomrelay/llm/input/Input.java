package io.wecomrelay.llm.input;

/** What a WeCom message asks the worker to do. */
public sealed interface Input {

    /** Ask Dify {@code text} (the user's words, with quoted context). */
    record Query(String text) implements Input {
        // user content: keep it out of logs
        @Override
        public String toString() {
            return "Query[<" + text.length() + " chars>]";
        }
    }

    /** A reset command: forget the conversation and say so. */
    record Reset() implements Input {
    }

    /** Nothing left once the mention is removed. */
    record Empty() implements Input {
    }

    /** A message type the worker cannot pass to Dify yet ({@code image}, {@code file}, ...). */
    record Unsupported(String msgType) implements Input {
    }

    /** An event (enter_chat, feedback, card click) that gets no reply stream from the worker. */
    record Ignored(String why) implements Input {
    }
}
