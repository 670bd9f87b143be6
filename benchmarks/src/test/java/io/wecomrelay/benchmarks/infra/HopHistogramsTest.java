package io.wecomrelay.benchmarks.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class HopHistogramsTest {

    @Test
    void hopsAreSummedOverBotsAndTheResponderChunkTimerIsRecordToRedis() {
        var hops = new TreeMap<String, HopHistograms.Hop>();
        for (String line : new String[] {
                "relay_hop_latency_seconds_bucket{bot=\"a\",hop=\"delta_to_redis\",le=\"0.01\"} 2.0",
                "relay_hop_latency_seconds_bucket{bot=\"b\",hop=\"delta_to_redis\",le=\"0.01\"} 3.0",
                "relay_hop_latency_seconds_count{bot=\"a\",hop=\"delta_to_redis\"} 4.0",
                "relay_hop_latency_seconds_sum{bot=\"a\",hop=\"delta_to_redis\"} 0.04",
                // an untagged timer: Prometheus writes its count and sum without braces
                "relay_responder_chunk_latency_seconds_bucket{le=\"0.005\"} 5.0",
                "relay_responder_chunk_latency_seconds_count 6.0",
                "relay_responder_chunk_latency_seconds_sum 0.03"}) {
            HopHistograms.add(hops, line);
        }

        assertThat(hops.get("delta_to_redis").cumulative()).containsEntry(0.01, 5.0);
        assertThat(hops.get("delta_to_redis").meanMs()).isEqualTo(10.0);
        var record = hops.get(HopHistograms.RECORD_TO_REDIS);
        assertThat(record.count()).isEqualTo(6.0);
        assertThat(record.meanMs()).isEqualTo(5.0);
        assertThat(record.percentileMs(50)).isEqualTo(5.0);
    }
}
