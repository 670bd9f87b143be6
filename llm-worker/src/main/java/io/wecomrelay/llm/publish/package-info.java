/**
 * Writing reply chunks to Kafka, and a streaming answer's previews into its stream in Redis ({@link
 * io.wecomrelay.llm.publish.Previews}).
 */
@NullMarked
package io.wecomrelay.llm.publish;

import org.jspecify.annotations.NullMarked;
