/**
 * Replies pushed on the long connection: the open streams of each bot (in Redis, so a new owner continues them),
 * the stream snapshots the responder folds, and the pusher that sends the latest text one frame at a time.
 */
@NullMarked
package io.wecomrelay.connector.reply;

import org.jspecify.annotations.NullMarked;
