package io.wecomrelay.sim.wecomws;

import java.time.Instant;

/**
 * An {@code image} message a bot sent on its long connection ({@code aibot_respond_msg} or {@code aibot_send_msg}
 * with {@code msgtype: image}) and the simulator accepted.
 *
 * @param reqId the frame's req_id (a callback's, for {@code aibot_respond_msg})
 * @param media the upload its {@code media_id} names
 */
public record SentImage(String botId, String cmd, String reqId, UploadedMedia media, Instant at) {
}
