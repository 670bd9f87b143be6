/**
 * {@code relay replay}: the processor's topology run again over a range of {@code wecom.inbound} under Kafka
 * Streams' test driver, in isolation, and compared with the recorded decisions.
 */
@NullMarked
package io.wecomrelay.cli.replay;

import org.jspecify.annotations.NullMarked;
