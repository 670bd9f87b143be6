/** Operating the processor: decision metrics and the Kafka Streams health contributor. */
@NullMarked
package io.wecomrelay.processor.ops;

import org.jspecify.annotations.NullMarked;
