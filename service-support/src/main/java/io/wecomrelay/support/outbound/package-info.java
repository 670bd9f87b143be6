/**
 * The HTTP client for URLs that callbacks name: the {@link io.wecomrelay.schemas.outbound.OutboundPolicy}
 * judges the URL, {@link io.wecomrelay.support.outbound.GuardedHttpClient} judges every address a
 * connection is about to be opened to (resolved names and literals alike) and keeps redirects and
 * proxies off.
 */
@NullMarked
package io.wecomrelay.support.outbound;

import org.jspecify.annotations.NullMarked;
