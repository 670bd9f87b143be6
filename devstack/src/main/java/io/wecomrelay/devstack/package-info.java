/**
 * The one-command local stack: a KRaft broker, Redis, the Dify simulator (unless a real Dify is
 * configured) and the four services as child processes, exactly as compose would run them.
 */
@NullMarked
package io.wecomrelay.devstack;

import org.jspecify.annotations.NullMarked;
