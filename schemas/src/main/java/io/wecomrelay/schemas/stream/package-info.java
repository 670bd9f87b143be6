/** The reply-stream state in Redis: written by the responder (and seeded by ingress), read by ingress. */
@NullMarked
package io.wecomrelay.schemas.stream;

import org.jspecify.annotations.NullMarked;
