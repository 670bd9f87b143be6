/** The plaintext passive replies WeCom accepts, before encryption. */
@NullMarked
package io.wecomrelay.ingress.reply;

import org.jspecify.annotations.NullMarked;
