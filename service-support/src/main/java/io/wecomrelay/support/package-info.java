/**
 * What the Spring services share beyond {@code schemas}; nothing here is a service of its own, and only
 * {@code kafka} uses Spring types (each service wires everything in its own configuration).
 */
@NullMarked
package io.wecomrelay.support;

import org.jspecify.annotations.NullMarked;
