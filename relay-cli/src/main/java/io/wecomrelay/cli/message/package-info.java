/** {@code relay message}: one message's life across the topics. */
@NullMarked
package io.wecomrelay.cli.message;

import org.jspecify.annotations.NullMarked;
