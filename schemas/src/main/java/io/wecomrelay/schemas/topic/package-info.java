/** The topic catalog: every topic's name, key meaning, default partitions and retention, in one place. */
@NullMarked
package io.wecomrelay.schemas.topic;

import org.jspecify.annotations.NullMarked;
