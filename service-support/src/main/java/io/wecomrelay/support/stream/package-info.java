/**
 * The Redis script that folds reply chunks into a stream's state, shared by the llm-worker (previews) and the
 * responder (everything on {@code wecom.chunks}).
 */
@NullMarked
package io.wecomrelay.support.stream;

import org.jspecify.annotations.NullMarked;
