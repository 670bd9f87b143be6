/**
 * Handling one accepted message, in three steps (each named by what it does):
 * {@link io.wecomrelay.llm.handle.AcceptedMessageRouter} decides what the message gets (a reply, a feedback
 * forwarded, nothing when too old); {@link io.wecomrelay.llm.handle.AttemptPublisher} runs one attempt between the
 * stream ledger's start and done marker and publishes its chunks; {@link io.wecomrelay.llm.handle.ReplyComposer}
 * makes those chunks for the input, through {@link io.wecomrelay.llm.handle.QueryAnswerer} for a query (media,
 * Dify, conversation memory).
 */
@NullMarked
package io.wecomrelay.llm.handle;

import org.jspecify.annotations.NullMarked;
