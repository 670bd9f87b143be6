/**
 * The images of a finished long-connection reply: uploaded on the bot's socket ({@code aibot_upload_media_*}) and
 * sent as {@code image} messages on the message's req_id after the stream's finish frame.
 */
@NullMarked
package io.wecomrelay.connector.images;

import org.jspecify.annotations.NullMarked;
