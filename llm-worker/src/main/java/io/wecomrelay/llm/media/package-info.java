/**
 * Media that WeCom messages carry (images, files, videos; a self-built app's voice too): fetched at once and only
 * from allow-listed hosts, and streamed into a Dify upload, so that the chat request can reference them as
 * {@code local_file}s. An AI bot's media come from signed URLs that expire about five minutes after the message and
 * are decrypted with the bot's key as the bytes arrive ({@link io.wecomrelay.llm.media.SignedUrls}); a self-built
 * app's come from WeCom's {@code media/get} with the app's shared access token
 * ({@link io.wecomrelay.llm.media.AppMediaApi}). One memory budget bounds what all replies hold at once.
 */
@NullMarked
package io.wecomrelay.llm.media;

import org.jspecify.annotations.NullMarked;
