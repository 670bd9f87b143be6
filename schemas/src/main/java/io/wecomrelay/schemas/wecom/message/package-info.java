/**
 * Typed views of decrypted WeCom AI-bot callbacks: {@link
 * io.wecomrelay.schemas.wecom.message.WecomCallback#parse(String)} turns the plaintext JSON into one
 * record of a sealed family (text, image, mixed, voice, file, video, stream refresh, the three events,
 * or {@link io.wecomrelay.schemas.wecom.message.UnknownCallback}). Every record keeps the original
 * JSON ({@code raw()}), so types this version does not know stay auditable. This is the relay's only
 * callback parser: ingress accepts what it parses ({@code CallbackMeta.toInboundMessage()}) and refuses
 * the rest, and the worker reads the same rules back from the published body. Parsing is defensive:
 * unknown fields are ignored, {@code mixed} may arrive as a JSON string; only a missing or empty
 * {@code msgid}, {@code msgtype} or {@code from.userid}, a {@code chattype} other than {@code single} or
 * {@code group} (any case; absent means single), or a known type's missing payload is an error
 * ({@link io.wecomrelay.schemas.wecom.WecomError#PARSE_JSON_ERROR}); the rules in full are on
 * {@code CallbackParser}.
 */
@NullMarked
package io.wecomrelay.schemas.wecom.message;

import org.jspecify.annotations.NullMarked;
