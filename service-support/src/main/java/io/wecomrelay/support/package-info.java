/** What the Spring services share beyond {@code schemas}; nothing here is a service of its own. */
@NullMarked
package io.wecomrelay.support;

import org.jspecify.annotations.NullMarked;
