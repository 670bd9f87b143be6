/**
 * Materialization: folds reply chunks and rejections into the {@code stream:{streamId}} hashes that
 * ingress reads for WeCom's refresh polls. The fold rules live in one Lua script per event so that
 * each change is atomic and idempotent across responder instances.
 */
@NullMarked
package io.wecomrelay.responder.materialize;

import org.jspecify.annotations.NullMarked;
