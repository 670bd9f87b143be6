/** Micrometer meters of the worker, per bot. */
@NullMarked
package io.wecomrelay.llm.metrics;

import org.jspecify.annotations.NullMarked;
