/**
 * A local HTTP server that speaks Dify's chat Service API ({@code POST /v1/chat-messages} in
 * streaming mode, the stop, feedback and file-upload endpoints) with switchable failure scenarios,
 * for tests, local development and benchmarks. Start it with {@link io.wecomrelay.sim.dify.DifySimulator#start};
 * choose a {@link io.wecomrelay.sim.dify.Scenario} for all requests or per request with a
 * {@code [sim:...]} directive in the query text. Not part of production.
 */
@NullMarked
package io.wecomrelay.sim.dify;

import org.jspecify.annotations.NullMarked;
