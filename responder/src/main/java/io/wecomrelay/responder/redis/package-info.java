/**
 * Small helpers for the responder's Redis scripts, shared by materialization, delivery and the outbox.
 */
@NullMarked
package io.wecomrelay.responder.redis;

import org.jspecify.annotations.NullMarked;
