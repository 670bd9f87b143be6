/**
 * Media that WeCom messages carry (images, files, videos): fetched at once (the signed URLs expire
 * about five minutes after the message) and only from allow-listed hosts, decrypted with the bot's
 * key as the bytes arrive and streamed into a Dify upload, so that the chat request can reference
 * them as {@code local_file}s. One memory budget bounds what all replies hold at once.
 */
@NullMarked
package io.wecomrelay.llm.media;

import org.jspecify.annotations.NullMarked;
