/**
 * A WeCom simulator: does what WeCom does against a callback URL (URL verification, encrypted and
 * signed callbacks, refresh polling about once a second until {@code finish}), checking the
 * signature of every reply. Used by developers ({@code chat}), tests and benchmarks.
 */
@NullMarked
package io.wecomrelay.sim.wecom;

import org.jspecify.annotations.NullMarked;
