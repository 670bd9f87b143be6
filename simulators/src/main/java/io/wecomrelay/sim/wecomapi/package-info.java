/**
 * A local stand-in for WeCom's send APIs (group webhook and AI-bot {@code response_url}) that enforces
 * the documented limits, for tests and the local stack.
 */
@NullMarked
package io.wecomrelay.sim.wecomapi;

import org.jspecify.annotations.NullMarked;
