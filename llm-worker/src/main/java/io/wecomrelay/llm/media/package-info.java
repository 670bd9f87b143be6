/**
 * Media that WeCom messages carry (images, files, videos): downloaded at once (the signed URLs
 * expire about five minutes after the message), decrypted with the bot's key, and uploaded to Dify
 * so that the chat request can reference them as {@code local_file}s.
 */
@NullMarked
package io.wecomrelay.llm.media;

import org.jspecify.annotations.NullMarked;
