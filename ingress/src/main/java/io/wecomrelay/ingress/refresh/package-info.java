/** Reply-stream state read from Redis, for refresh polls. */
@NullMarked
package io.wecomrelay.ingress.refresh;

import org.jspecify.annotations.NullMarked;
