/**
 * The events that flow between the services: a sealed family of immutable records, each with a
 * versioned {@code type} name. Additive changes keep the version; a breaking change is a new record
 * and a new type name. Every event validates against its JSON Schema in {@code /schemas}.
 */
@NullMarked
package io.wecomrelay.schemas.event;

import org.jspecify.annotations.NullMarked;
