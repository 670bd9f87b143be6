/**
 * Where the relay may send requests on a caller's behalf. A signed callback names URLs (media
 * downloads, {@code response_url}); whoever holds one bot's Token and EncodingAESKey can sign any
 * URL, so a URL is used only when its scheme and exact {@code host[:port]} are on an allow-list,
 * and the address finally connected is checked again ({@link ForbiddenAddresses}) so that DNS
 * rebinding or an odd spelling of an internal address cannot get around the name check.
 */
@NullMarked
package io.wecomrelay.schemas.outbound;

import org.jspecify.annotations.NullMarked;
