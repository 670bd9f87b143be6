/**
 * Who may use a bot: the bot must be configured and enabled, the chat type and the sender must pass
 * the bot's auth policy from the bots file, and, where the entitlement table is enabled, the sender
 * must hold an unexpired grant for the bot on the compacted {@code wecom.entitlements} topic.
 */
@NullMarked
package io.wecomrelay.processor.auth;

import org.jspecify.annotations.NullMarked;
