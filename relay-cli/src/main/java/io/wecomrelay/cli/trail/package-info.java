/**
 * The life of a reply stream as the topics record it (receipts, decisions, chunks, deliveries, notices), shared by
 * {@code relay message} and {@code relay conversation}.
 */
@NullMarked
package io.wecomrelay.cli.trail;

import org.jspecify.annotations.NullMarked;
