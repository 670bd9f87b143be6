/** {@code relay bots validate}: the bots file checked by the services' own loader. */
@NullMarked
package io.wecomrelay.cli.bots;

import org.jspecify.annotations.NullMarked;
