/**
 * Typed views of decrypted WeCom AI-bot callbacks: {@link
 * io.wecomrelay.schemas.wecom.message.WecomCallback#parse(String)} turns the plaintext JSON into one
 * record of a sealed family (text, image, mixed, voice, file, video, stream refresh, the three events,
 * or {@link io.wecomrelay.schemas.wecom.message.UnknownCallback}). Every record keeps the original
 * JSON ({@code raw()}), so types this version does not know stay auditable. Parsing is defensive:
 * unknown fields are ignored, {@code mixed} may arrive as a JSON string; only a missing
 * {@code msgid}, {@code msgtype}, {@code from.userid} or a type's own payload is an error
 * ({@link io.wecomrelay.schemas.wecom.WecomError#PARSE_JSON_ERROR}).
 */
@NullMarked
package io.wecomrelay.schemas.wecom.message;

import org.jspecify.annotations.NullMarked;
