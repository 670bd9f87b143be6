/** Writing reply chunks to Kafka. */
@NullMarked
package io.wecomrelay.llm.publish;

import org.jspecify.annotations.NullMarked;
