/**
 * Images in answers: Markdown images ({@code ![alt](url)}) in the finished answer text, Dify's {@code message_file}
 * images and an agent's tool images (which Dify sends as {@code message_file} events, shown in the text as Markdown
 * images too). When an answer ends, before its last chunk is published, each image is fetched through the guarded
 * outbound client (the listed hosts and the bot's own Dify origin; Dify's relative file URLs resolved against its
 * base URL), bounded in size and time, and checked by its magic bytes to be JPG or PNG. Then, by the bot's reply
 * route: attached (its base64 stored in Redis for the responder and ingress, the last chunk naming it, its Markdown
 * taken out of the text), or left as a Markdown image with an absolute URL (response_url, long connection,
 * self-built apps); an image that cannot be used is named in the text instead.
 */
@NullMarked
package io.wecomrelay.llm.images;

import org.jspecify.annotations.NullMarked;
