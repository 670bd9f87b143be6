/**
 * Whether a callback's {@code response_url} may ever be posted to: https, a host on the allow-list, never an
 * IP literal of a private, loopback, link-local or other internal address in any spelling. Ingress records the
 * verdict on the inbound event; a refused URL is not carried on, so no later stage can post to it.
 */
@NullMarked
package io.wecomrelay.ingress.responseurl;

import org.jspecify.annotations.NullMarked;
