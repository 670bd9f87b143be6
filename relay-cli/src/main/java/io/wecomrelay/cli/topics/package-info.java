/** {@code relay topics check|create}: the topics against the catalog in {@code schemas}. */
@NullMarked
package io.wecomrelay.cli.topics;

import org.jspecify.annotations.NullMarked;
