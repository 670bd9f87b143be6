/** Redis state shared by all workers: stream attempts and finished markers, Dify conversations, answered Dify messages. */
@NullMarked
package io.wecomrelay.llm.state;

import org.jspecify.annotations.NullMarked;
