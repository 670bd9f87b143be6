package io.wecomrelay.processor.decision;

import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.common.header.Headers;

/**
 * Continues a message's trace through its decision: the decision's span, whose trace context the decision record
 * carries instead of the inbound record's, current while the decision is written and logged.
 */
public interface DecisionTrace {

    /** Writes nothing: the decision record keeps the inbound record's trace context as it is. */
    DecisionTrace NONE = (headers, decision, inboundTimestamp) -> () -> { };

    /**
     * @param headers          the decision record's headers (the inbound record's, copied): the trace context is
     *                         replaced here
     * @param inboundTimestamp the inbound record's timestamp, where the hop began
     * @return closed once the decision is forwarded and logged
     */
    Scope decided(Headers headers, RelayEvent decision, long inboundTimestamp);

    /** Ends the decision's span. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
