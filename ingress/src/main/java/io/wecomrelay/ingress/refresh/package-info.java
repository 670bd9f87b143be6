/**
 * Reply-stream state in Redis: the marker ingress writes when it answers a message with a stream, and the state
 * that WeCom's refresh polls are answered from.
 */
@NullMarked
package io.wecomrelay.ingress.refresh;

import org.jspecify.annotations.NullMarked;
