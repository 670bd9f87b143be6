package io.wecomrelay.cli.dlt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.wecomrelay.cli.kafka.TimeRange;
import io.wecomrelay.cli.kafka.TopicScanner;
import io.wecomrelay.cli.kafka.TopicScanner.Scan;
import org.apache.kafka.common.header.Header;

/**
 * Which dead letters are already back on their source topic. A redriven copy carries {@link #FROM} with the dead
 * letter's coordinates and keeps the dead letter's record time, so the source topic is read from the oldest dead
 * letter's time on (by offset, not from its beginning) and every marker found there counts as done: a second run
 * writes nothing twice. The source topic itself is the ledger, so it holds as long as the copies are retained.
 */
final class Redrives {

    /** Header of a redriven record: {@code <dead-letter topic>/<partition>/<offset>}. */
    static final String FROM = "relay-redriven-from";

    /** Header of a redriven record: when it was redriven, ISO-8601 in UTC. */
    static final String AT = "relay-redriven-at";

    private Redrives() {
    }

    /** The dead-letter ids already redriven to {@code sourceTopic}, among copies written at or after {@code since}. */
    static Set<String> done(TopicScanner scanner, String sourceTopic, Instant since) {
        var done = new HashSet<String>();
        scanner.scan(Scan.of(sourceTopic, new TimeRange(since, TimeRange.ALL.to()))
                .where(record -> record.headers().lastHeader(FROM) != null), record -> {
            Header header = record.headers().lastHeader(FROM);
            done.add(new String(header.value(), StandardCharsets.UTF_8));
        });
        return done;
    }

    static Instant oldest(List<DeadLetter> letters) {
        return letters.stream().map(l -> Instant.ofEpochMilli(l.record().timestamp())).min(Instant::compareTo).orElse(Instant.EPOCH);
    }
}
