/** {@code relay dlt list|show|redrive}: dead letters, and putting them back once. */
@NullMarked
package io.wecomrelay.cli.dlt;

import org.jspecify.annotations.NullMarked;
