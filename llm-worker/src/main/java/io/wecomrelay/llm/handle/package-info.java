/** Handling one accepted message from start to the acknowledged last chunk. */
@NullMarked
package io.wecomrelay.llm.handle;

import org.jspecify.annotations.NullMarked;
