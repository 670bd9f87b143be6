/**
 * The WeCom AI-bot wire codec: what goes over the callback URL, byte for byte. This package holds
 * the pieces shared by the sub-packages: the error codes of Tencent's reference libraries
 * ({@link io.wecomrelay.schemas.wecom.WecomError}), the one JSON mapper for WeCom JSON, and the two
 * JSON envelopes around the ciphertext. {@code .crypto} signs and encrypts, {@code .message} types the
 * decrypted callbacks, {@code .reply} builds passive replies. Nothing here depends on Spring.
 */
@NullMarked
package io.wecomrelay.schemas.wecom;

import org.jspecify.annotations.NullMarked;
