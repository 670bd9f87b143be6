/**
 * The WeCom AI-bot callback endpoint: verifies and decrypts callbacks, makes them durable in Kafka
 * before answering, and answers stream refreshes from Redis.
 */
@NullMarked
package io.wecomrelay.ingress;

import org.jspecify.annotations.NullMarked;
