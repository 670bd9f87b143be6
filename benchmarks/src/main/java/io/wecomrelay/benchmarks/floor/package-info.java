/**
 * The cpu benchmark's floor hops (issue 22): the least a service hop can do, with the services' client libraries and
 * settings, in a JVM of its own ({@link io.wecomrelay.benchmarks.floor.FloorHopMain}), so that each service's CPU per
 * message can be read as a multiple of a floor measured in the same run. Not services: no validation, no metrics.
 */
@NullMarked
package io.wecomrelay.benchmarks.floor;

import org.jspecify.annotations.NullMarked;
