package io.wecomrelay.llm.reply;

import org.jspecify.annotations.Nullable;

/**
 * How one reply attempt ended.
 *
 * @param conversationId    the Dify conversation the answer belongs to, when Dify named one
 * @param messageId         Dify's message id (for feedback), when known
 * @param taskId            Dify's task id, when the stream started
 * @param conversationLost  the stored conversation was unknown to Dify and a new one was started
 * @param errorCode         null on success, else the code in the last chunk's error
 * @param chunks            chunks emitted, the last one included
 */
public record ReplyOutcome(@Nullable String conversationId, @Nullable String messageId, @Nullable String taskId,
                           boolean conversationLost, @Nullable String errorCode, long chunks) {

    public boolean succeeded() {
        return errorCode == null;
    }
}
