/** Publishing received callbacks to Kafka, durably, before WeCom gets its answer. */
@NullMarked
package io.wecomrelay.ingress.publish;

import org.jspecify.annotations.NullMarked;
