/**
 * The responder service: materializes reply state in Redis for WeCom's refresh polls and delivers
 * final replies of {@code response_url} and {@code webhook} bots. {@link io.wecomrelay.responder.ResponderConfiguration}
 * is the only wiring: it hands the feature packages plain values and records from
 * {@link io.wecomrelay.responder.ResponderProperties}, and the feature packages use no Spring Boot type.
 */
@NullMarked
package io.wecomrelay.responder;

import org.jspecify.annotations.NullMarked;
