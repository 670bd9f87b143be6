/**
 * The responder service: materializes reply state in Redis for WeCom's refresh polls and delivers
 * final replies of {@code response_url} and {@code webhook} bots. {@link io.wecomrelay.responder.ResponderConfiguration}
 * is the only wiring; the feature packages are plain Java.
 */
@NullMarked
package io.wecomrelay.responder;

import org.jspecify.annotations.NullMarked;
