/**
 * Key-ordered concurrent consumption of wecom.accepted with safe offset commits. The consumer sets the Kafka
 * settings it relies on itself ({@code ConsumerSettings}), and dead-letters to {@code <accepted>.dlt}
 * ({@code AcceptedDeadLetters}).
 */
@NullMarked
package io.wecomrelay.llm.consume;

import org.jspecify.annotations.NullMarked;
