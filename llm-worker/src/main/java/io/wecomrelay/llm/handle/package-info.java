/** Handling one accepted message: a reply from start to the acknowledged last chunk, or a feedback forwarded. */
@NullMarked
package io.wecomrelay.llm.handle;

import org.jspecify.annotations.NullMarked;
