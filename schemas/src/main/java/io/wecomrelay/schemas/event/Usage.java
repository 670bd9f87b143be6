package io.wecomrelay.schemas.event;

/** Token usage reported by the LLM with the final chunk. Counts are never negative. */
public record Usage(long promptTokens, long completionTokens, long totalTokens) {

    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || totalTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }
}
