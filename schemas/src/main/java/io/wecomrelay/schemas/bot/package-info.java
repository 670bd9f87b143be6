/**
 * The bot registry: every WeCom AI bot this deployment serves, loaded from a YAML file and validated
 * at load. Secrets are {@link io.wecomrelay.schemas.bot.Secret}s and never print.
 */
@NullMarked
package io.wecomrelay.schemas.bot;

import org.jspecify.annotations.NullMarked;
