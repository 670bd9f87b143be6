/**
 * Passive replies of a WeCom AI bot (the plaintext JSON inside the encrypted HTTP response), as a
 * sealed family that serializes to WeCom's exact JSON: welcome text, stream, template card, stream
 * with template card, and card update. WeCom's documented limits that would otherwise fail silently
 * on the phone are enforced at construction with {@link java.lang.IllegalArgumentException}; callers
 * truncate or split before building a reply.
 */
@NullMarked
package io.wecomrelay.schemas.wecom.reply;

import org.jspecify.annotations.NullMarked;
