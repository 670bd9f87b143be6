/**
 * Dedup on (bot id, msgid): WeCom re-delivers a callback it did not get an answer for in time, and a
 * repeat within the retention is recorded as {@code DUPLICATE} without touching the original stream.
 */
@NullMarked
package io.wecomrelay.processor.dedup;

import org.jspecify.annotations.NullMarked;
