/**
 * The WeCom AI-bot callback endpoint: verifies and decrypts callbacks, makes them durable in Kafka
 * before answering, and answers stream refreshes from Redis. This root package wires (the configuration
 * classes, {@link io.wecomrelay.ingress.IngressProperties} and the adapters that are Spring Boot types); the
 * feature packages below it get their settings as plain values and records.
 */
@NullMarked
package io.wecomrelay.ingress;

import org.jspecify.annotations.NullMarked;
