package io.wecomrelay.llm.feedback;

/** What feedback forwarding reports, per bot. Implementations must be thread-safe and never throw. */
public interface FeedbackMetrics {

    /** One feedback event was handled; {@code outcome} is one of {@link FeedbackForwarder.Outcome}. */
    void feedback(String botId, FeedbackForwarder.Outcome outcome);

    FeedbackMetrics NONE = (botId, outcome) -> { };
}
