/**
 * The self-built app (自建应用) flavour of the WeCom wire codec: the XML envelope around the ciphertext
 * ({@link io.wecomrelay.schemas.wecom.app.AppEnvelope}) and the decrypted XML message or event
 * ({@link io.wecomrelay.schemas.wecom.app.AppMessage}). Signing and encryption are the AI bot's
 * ({@code WecomCrypto}) with the CorpID as receive id: one codec, two envelope formats. Every XML is read by
 * {@link io.wecomrelay.schemas.wecom.app.SafeXml}: no DTD, no entity, no outside resource, bounded size, depth
 * and element count.
 */
@NullMarked
package io.wecomrelay.schemas.wecom.app;

import org.jspecify.annotations.NullMarked;
