/** Deterministic identifiers shared by all services. */
@NullMarked
package io.wecomrelay.schemas.ids;

import org.jspecify.annotations.NullMarked;
