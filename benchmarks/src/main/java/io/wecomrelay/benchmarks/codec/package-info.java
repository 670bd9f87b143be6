/**
 * JMH benchmarks of the WeCom wire codec: the two AES engines on the work a callback costs us
 * (verify, decrypt, parse) and the work a reply costs us (build, encrypt, sign). Run with
 * {@code bench/run.sh codec}; results are recorded in BENCHMARKS.md.
 */
@NullMarked
package io.wecomrelay.benchmarks.codec;

import org.jspecify.annotations.NullMarked;
