/**
 * What the Spring services share beyond {@code schemas}; nothing here is a service of its own or needs
 * Spring (each service wires it in its own configuration).
 */
@NullMarked
package io.wecomrelay.support;

import org.jspecify.annotations.NullMarked;
