/**
 * The processor: a Kafka Streams application that gives every record on {@code wecom.inbound} exactly
 * one recorded decision. Spring lives only in this package ({@code ProcessorConfiguration}); the
 * topology and its rules below are plain Java.
 */
@NullMarked
package io.wecomrelay.processor;

import org.jspecify.annotations.NullMarked;
