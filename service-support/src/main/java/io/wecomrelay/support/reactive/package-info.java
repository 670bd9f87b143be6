/**
 * Reactor helpers for the services' per-message paths: {@link io.wecomrelay.support.reactive.WheelTimeout} bounds a
 * call on a timer wheel that ticks anyway instead of the {@code parallel} scheduler, and
 * {@link io.wecomrelay.support.reactive.WheelBound} is such a bound for many calls, failing where Reactor's
 * {@code timeout} failed.
 */
@NullMarked
package io.wecomrelay.support.reactive;

import org.jspecify.annotations.NullMarked;
