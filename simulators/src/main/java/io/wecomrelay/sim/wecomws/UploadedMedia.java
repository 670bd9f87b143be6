package io.wecomrelay.sim.wecomws;

/**
 * A finished long-connection upload: what its {@code media_id} stands for.
 *
 * @param filename the {@code filename} of its {@code aibot_upload_media_init}
 * @param bytes    the chunks joined
 */
public record UploadedMedia(String botId, String mediaId, String type, String filename, byte[] bytes) {

    // bytes are content
    @Override
    public String toString() {
        return "UploadedMedia[botId=" + botId + ", mediaId=" + mediaId + ", type=" + type + ", bytes=" + bytes.length + "]";
    }
}
