package io.wecomrelay.sim.wecomws;

import java.time.Instant;

/**
 * A {@code markdown} message a bot sent on its long connection ({@code aibot_respond_msg} or {@code aibot_send_msg})
 * and the simulator accepted.
 *
 * @param reqId   the frame's req_id (a callback's, for {@code aibot_respond_msg})
 * @param content the markdown, at most {@link LongConnectionSimulator#MAX_CONTENT_BYTES} UTF-8 bytes
 */
public record SentMarkdown(String botId, String cmd, String reqId, String content, Instant at) {

    // the message's text stays out of logs that print the record
    @Override
    public String toString() {
        return "SentMarkdown[botId=" + botId + ", cmd=" + cmd + ", reqId=" + reqId + ", content=<" + content.length()
                + " chars>, at=" + at + "]";
    }
}
