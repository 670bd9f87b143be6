/** Small helpers of the testkit. */
@NullMarked
package io.wecomrelay.testkit.internal;

import org.jspecify.annotations.NullMarked;
