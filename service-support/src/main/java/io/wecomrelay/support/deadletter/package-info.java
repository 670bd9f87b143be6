/**
 * The one dead-letter scheme of every service: which headers a dead-lettered record carries
 * ({@link io.wecomrelay.support.deadletter.DeadLetterHeaders}), what is counted
 * ({@code relay.dead.letters{service,topic,cause}}), and the spring-kafka recoverer that writes it for
 * consumers ({@link io.wecomrelay.support.deadletter.DeadLetterRecoverer}). Nothing here writes a record's
 * content or a secret to a header, a metric or a log line.
 */
@NullMarked
package io.wecomrelay.support.deadletter;

import org.jspecify.annotations.NullMarked;
