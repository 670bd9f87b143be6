/**
 * WeCom's callback crypto, byte-compatible with Tencent's reference libraries: SHA-1 signatures,
 * AES-256-CBC with IV = first 16 key bytes, PKCS#7 padding to 32-byte blocks, and the plaintext frame
 * {@code random(16) | length(4, big-endian) | msg | receiveId}. {@link
 * io.wecomrelay.schemas.wecom.crypto.WecomCrypto} is the per-bot facade; the AES block work is behind
 * {@link io.wecomrelay.schemas.wecom.crypto.AesCbcEngine} so the JDK and BouncyCastle implementations
 * can be swapped and benchmarked. Failures are {@link io.wecomrelay.schemas.wecom.WecomCryptoException}s.
 */
@NullMarked
package io.wecomrelay.schemas.wecom.crypto;

import org.jspecify.annotations.NullMarked;
