/**
 * Self-built apps' access tokens: fetched with {@code gettoken} once per app and shared by every responder instance
 * through Redis ({@link io.wecomrelay.responder.token.AccessTokens}), renewed before they expire and when WeCom
 * says a token is no longer good, one renewal at a time.
 */
@NullMarked
package io.wecomrelay.responder.token;

import org.jspecify.annotations.NullMarked;
