package io.wecomrelay.cli.replay;

import java.time.Instant;
import java.util.Map;

import io.wecomrelay.cli.output.Rows;
import org.jspecify.annotations.Nullable;

/** A record whose replayed decision is not the recorded one. */
record Difference(Instant at, String botId, String streamId, @Nullable String recorded, @Nullable String replayed,
                  String note) {

    Map<String, @Nullable Object> row() {
        Map<String, @Nullable Object> row = Rows.row();
        row.put("time", at.toString());
        row.put("bot", botId);
        row.put("stream", streamId);
        row.put("recorded", recorded == null ? "(none)" : recorded);
        row.put("replayed", replayed == null ? "(none)" : replayed);
        row.put("note", note);
        return row;
    }
}
