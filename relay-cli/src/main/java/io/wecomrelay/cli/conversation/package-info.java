/** {@code relay conversation}: a bot's transcript from the topics alone. */
@NullMarked
package io.wecomrelay.cli.conversation;

import org.jspecify.annotations.NullMarked;
