/**
 * What the rules produce: a {@link io.wecomrelay.processor.decision.Case} carries one inbound message
 * through the rules until a {@link io.wecomrelay.processor.decision.Ruling} decides it, and
 * {@link io.wecomrelay.processor.decision.DecisionRecorder} turns the ruling into the event auditors read.
 */
@NullMarked
package io.wecomrelay.processor.decision;

import org.jspecify.annotations.NullMarked;
