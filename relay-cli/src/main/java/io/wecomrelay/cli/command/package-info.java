/** What the relay tool's commands share: their output and Kafka options, and the readers set up from them. */
@NullMarked
package io.wecomrelay.cli.command;

import org.jspecify.annotations.NullMarked;
