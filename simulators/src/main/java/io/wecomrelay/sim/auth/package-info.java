/**
 * A company auth service for developers and tests: issues WeCom users' tokens to the llm-worker, expires and
 * refuses them, and can be down ({@link io.wecomrelay.sim.auth.AuthServiceSimulator}).
 */
@NullMarked
package io.wecomrelay.sim.auth;

import org.jspecify.annotations.NullMarked;
