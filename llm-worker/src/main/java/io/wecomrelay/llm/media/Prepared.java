package io.wecomrelay.llm.media;

import java.util.List;
import java.util.Map;

/** The outcome of passing a message's attachments to Dify. */
public sealed interface Prepared {

    /** Every attachment was uploaded; {@code files} are Dify file references for the chat request. */
    record Files(List<Map<String, String>> files) implements Prepared {
        public Files {
            files = List.copyOf(files);
        }

        // untyped Dify file objects: a remote one would carry its URL
        @Override
        public String toString() {
            return "Files[" + files.size() + " files]";
        }
    }

    /**
     * One attachment could not be passed on; the reply is a finished sentence instead of an answer.
     *
     * @param code  the error code that selects the sentence
     * @param cause what went wrong, without URLs or content (fit for logs)
     */
    record Failed(String code, String cause) implements Prepared {
    }

    Prepared NONE = new Files(List.of());
}
