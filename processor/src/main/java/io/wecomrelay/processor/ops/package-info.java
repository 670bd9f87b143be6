/**
 * Operating the processor: decision metrics and the policy log (the Kafka Streams health contributor, a Spring Boot
 * type, is in the root package).
 */
@NullMarked
package io.wecomrelay.processor.ops;

import org.jspecify.annotations.NullMarked;
