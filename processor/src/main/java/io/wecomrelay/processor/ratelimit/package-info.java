/**
 * The per-bot rate limit: at most the bot's {@code rate-limit-per-minute} accepted messages in any
 * rolling minute of record time. Only accepted messages count; events never do.
 */
@NullMarked
package io.wecomrelay.processor.ratelimit;

import org.jspecify.annotations.NullMarked;
