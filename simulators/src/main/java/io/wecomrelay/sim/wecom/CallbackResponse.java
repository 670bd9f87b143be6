package io.wecomrelay.sim.wecom;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What the server answered to one callback.
 *
 * @param status HTTP status
 * @param reply  the decrypted passive reply, or null for an empty body or an error status
 * @param body   the raw body (for error statuses)
 */
public record CallbackResponse(int status, @Nullable JsonNode reply, String body) {

    public boolean isEmptyReply() {
        return status == 200 && reply == null;
    }

    /** {@code stream.content} of a stream reply, or null. */
    public @Nullable String streamContent() {
        return reply == null ? null : reply.path("stream").path("content").asString(null);
    }

    /** {@code stream.finish} of a stream reply. */
    public boolean streamFinished() {
        return reply != null && reply.path("stream").path("finish").asBoolean(false);
    }

    /**
     * The images of a stream reply's {@code msg_item}, decoded; none when it has none. Checked as WeCom would: only
     * on a finished frame, at most 10, each {@code image} with standard base64 of a JPG or PNG of at most 10 MB and
     * the lowercase hex MD5 of those bytes; anything else is an {@link IllegalStateException}.
     */
    public List<byte[]> streamImages() {
        JsonNode items = reply == null ? null : reply.path("stream").get("msg_item");
        if (items == null) {
            return List.of();
        }
        if (!streamFinished() || !items.isArray() || items.size() > StreamReply.MAX_IMAGES) {
            throw new IllegalStateException("msg_item only on a finished frame, at most " + StreamReply.MAX_IMAGES);
        }
        var images = new ArrayList<byte[]>();
        for (JsonNode item : items) {
            byte[] bytes = Base64.getDecoder().decode(item.path("image").path("base64").asString(""));
            if (!item.path("msgtype").asString("").equals("image") || ImageFormat.sniff(bytes).isEmpty()
                    || !StreamImage.of(bytes).md5().equals(item.path("image").path("md5").asString(""))) {
                throw new IllegalStateException("msg_item " + images.size() + " is not a JPG/PNG image with its MD5");
            }
            images.add(bytes);
        }
        return images;
    }

    public @Nullable String streamId() {
        return reply == null ? null : reply.path("stream").path("id").asString(null);
    }
}
