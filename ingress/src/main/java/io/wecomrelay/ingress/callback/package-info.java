/** The callback routes and the handling of one callback, including hostile input. */
@NullMarked
package io.wecomrelay.ingress.callback;

import org.jspecify.annotations.NullMarked;
