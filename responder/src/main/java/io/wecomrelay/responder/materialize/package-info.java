/**
 * Materialization: the listeners of {@code wecom.chunks} and {@code wecom.rejected} fold reply chunks and
 * rejections into the {@code stream:{streamId}} hashes that ingress reads for WeCom's refresh polls
 * ({@link io.wecomrelay.responder.materialize.StreamStateWriter} is their writer). The fold rules live in one
 * Lua script per event so that each change is atomic and idempotent across responder instances. A record that
 * cannot be folded for a reason of its own goes to the dead-letter topic by the
 * {@link io.wecomrelay.responder.materialize.DeadLetterPolicy}.
 */
@NullMarked
package io.wecomrelay.responder.materialize;

import org.jspecify.annotations.NullMarked;
