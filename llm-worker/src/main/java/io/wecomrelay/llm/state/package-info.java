/** Redis state shared by all workers: stream attempts and finished markers, Dify conversations. */
@NullMarked
package io.wecomrelay.llm.state;

import org.jspecify.annotations.NullMarked;
