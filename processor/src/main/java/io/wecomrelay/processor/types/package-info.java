/**
 * Which inbound types the llm-worker serves, and where WeCom events go: {@code feedback_event} is
 * accepted (the worker forwards it to Dify, without an LLM call and without counting against the rate
 * limit); {@code enter_chat} and {@code template_card_event} are answered by ingress and recorded as
 * {@code UNSUPPORTED} with rule {@code type.event}; anything else is {@code UNSUPPORTED} with its type named.
 */
@NullMarked
package io.wecomrelay.processor.types;

import org.jspecify.annotations.NullMarked;
