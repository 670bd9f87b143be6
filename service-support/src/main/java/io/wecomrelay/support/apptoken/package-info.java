/**
 * Self-built apps' access tokens: fetched with {@code gettoken} once per app and shared through Redis by every
 * instance of every service that calls WeCom's API for apps ({@link io.wecomrelay.support.apptoken.AccessTokens}:
 * the responder's {@code message/send}, the llm-worker's {@code media/get}), renewed before they expire and when
 * WeCom says a token is no longer good, one renewal at a time.
 */
@NullMarked
package io.wecomrelay.support.apptoken;

import org.jspecify.annotations.NullMarked;
