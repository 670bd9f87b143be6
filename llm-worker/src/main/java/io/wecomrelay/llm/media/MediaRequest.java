package io.wecomrelay.llm.media;

import io.wecomrelay.schemas.wecom.crypto.WecomAesKey;

/** One media download, and how its body is read ({@link MediaFetcher}). */
sealed interface MediaRequest permits MediaRequest.Encrypted, MediaRequest.WecomApi {

    /** Where the file is; checked against the allow-list before anything is sent. */
    String url();

    /** An AI bot's media at a signed storage URL: AES-256-CBC with the message's or the bot's key. */
    record Encrypted(String url, WecomAesKey key) implements MediaRequest {
        // signed URLs stay out of logs
        @Override
        public String toString() {
            return "Encrypted[]";
        }
    }

    /**
     * WeCom's API (a self-built app's {@code media/get}): the file as it is, or a JSON error answer
     * ({@code Content-Type: application/json}) in its place.
     *
     * @param url the request, access token included (never logged)
     */
    record WecomApi(String url) implements MediaRequest {
        @Override
        public String toString() {
            return "WecomApi[]";
        }
    }
}
