/**
 * Reactor helpers for the services' per-message paths: {@link io.wecomrelay.support.reactive.WheelTimeout} bounds a
 * call on a timer wheel that ticks anyway instead of the {@code parallel} scheduler.
 */
@NullMarked
package io.wecomrelay.support.reactive;

import org.jspecify.annotations.NullMarked;
