/**
 * JMH benchmark of the llm-worker's reading of Dify's SSE stream (issue 22) against a copy of the code before it
 * (the {@code Legacy*} classes, a baseline only). Run with {@code bench/run.sh sse}; results are recorded in
 * BENCHMARKS.md.
 */
@NullMarked
package io.wecomrelay.benchmarks.sse;

import org.jspecify.annotations.NullMarked;
