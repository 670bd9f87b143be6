/**
 * The {@code relay} command line: its entry point, exit codes and the wiring of its commands (one feature package
 * each).
 */
@NullMarked
package io.wecomrelay.cli;

import org.jspecify.annotations.NullMarked;
