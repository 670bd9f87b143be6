package io.wecomrelay.sim.wecomapi;

import java.util.Base64;

import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The checks WeCom makes on a webhook {@code image} message: base64, MD5 of the raw bytes, 2 MB, JPG or PNG. */
final class WebhookImages {

    private WebhookImages() {
    }

    /** Null when {@code image} ({@code {"base64","md5"}}) would be shown, else what is wrong with it. */
    static @Nullable String problem(JsonNode image) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(image.path("base64").asString(""));
        } catch (IllegalArgumentException e) {
            return "invalid base64";
        }
        if (bytes.length == 0 || bytes.length > WeComApiSimulator.MAX_WEBHOOK_IMAGE_BYTES) {
            return "image size " + bytes.length + " out of range";
        }
        if (!StreamImage.of(bytes).md5().equals(image.path("md5").asString(""))) {
            return "md5 mismatch";
        }
        return ImageFormat.sniff(bytes).isPresent() ? null : "not a jpg or png";
    }
}
