package io.wecomrelay.processor.decision;

/**
 * Told about every decision as it is recorded (metrics). Called on a stream thread: must be fast and
 * must not throw. Under exactly-once a task that is retried after a failure may report a decision
 * again, so counts are approximate; the topics are the record of truth.
 */
@FunctionalInterface
public interface DecisionListener {

    DecisionListener NONE = decided -> { };

    void onDecision(Case decided);
}
