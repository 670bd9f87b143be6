/**
 * The llm-worker: consumes accepted WeCom messages, streams Dify answers and publishes them as
 * numbered reply chunks. {@link io.wecomrelay.llm.LlmWorkerConfiguration} is the only place that wires
 * beans; everything below it is plain Java.
 */
@NullMarked
package io.wecomrelay.llm;

import org.jspecify.annotations.NullMarked;
