/** {@code relay entitlements list|grant|revoke}: the first writer of {@code wecom.entitlements}. */
@NullMarked
package io.wecomrelay.cli.entitlements;

import org.jspecify.annotations.NullMarked;
