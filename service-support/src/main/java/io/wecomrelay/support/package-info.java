/**
 * What the Spring services share beyond {@code schemas}; nothing here is a service of its own. The feature
 * packages are plain Java (each service wires them in its own configuration) except where they adapt
 * spring-kafka; {@link io.wecomrelay.support.ServiceSupportAutoConfiguration} gives every service its clock,
 * id generator and dead-letter scheme, each replaceable by a bean of the same type.
 */
@NullMarked
package io.wecomrelay.support;

import org.jspecify.annotations.NullMarked;
