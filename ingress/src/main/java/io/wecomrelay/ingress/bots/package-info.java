/** Which bots exist and their per-bot crypto; reloaded when the bots file changes. */
@NullMarked
package io.wecomrelay.ingress.bots;

import org.jspecify.annotations.NullMarked;
