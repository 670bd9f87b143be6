package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The services' {@code relay.hop.latency{hop,bot}} histograms, read from {@code /actuator/prometheus}
 * and summed over bots: take one {@link #scrape} before a phase and one after, and {@link Snapshot#minus}
 * gives what the phase alone recorded. Percentiles come from the cumulative buckets (Micrometer's
 * percentile-histogram bounds, roughly 10–30 % apart), so a p50 or p99 here is the upper bound of the
 * bucket it falls in; the mean ({@code _sum / _count}) is exact.
 */
public final class HopHistograms {

    private static final Pattern BUCKET = Pattern.compile(
            "^(relay_hop_latency|relay_responder_chunk_latency)_seconds_bucket\\{([^}]*)\\}\\s+(\\S+)");
    private static final Pattern SUM_OR_COUNT = Pattern.compile(
            "^(relay_hop_latency|relay_responder_chunk_latency)_seconds_(sum|count)(?:\\{([^}]*)\\})?\\s+(\\S+)");
    /**
     * The responder's chunk timer, from the chunk record's timestamp (set when the worker's producer took it) to its
     * fold: with {@code delta_to_redis} it splits that hop into the worker's part and Kafka's plus the fold.
     */
    static final String RECORD_TO_REDIS = "record_to_redis";
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private HopHistograms() {
    }

    /** One hop's histogram: cumulative count per upper bound (seconds), total count and sum. */
    public record Hop(TreeMap<Double, Double> cumulative, double count, double sumSeconds) {

        Hop minus(Hop before) {
            var diff = new TreeMap<Double, Double>();
            cumulative.forEach((le, n) -> diff.put(le, n - (before == null ? 0 : before.cumulative.getOrDefault(le, 0.0))));
            return new Hop(diff, count - (before == null ? 0 : before.count), sumSeconds - (before == null ? 0 : before.sumSeconds));
        }

        public double meanMs() {
            return count > 0 ? sumSeconds / count * 1000 : Double.NaN;
        }

        /** The upper bound (ms) of the bucket that holds the {@code percentile}-th sample, or NaN when empty. */
        public double percentileMs(double percentile) {
            if (count <= 0) {
                return Double.NaN;
            }
            double rank = Math.ceil(count * percentile / 100);
            for (var bucket : cumulative.entrySet()) {
                if (bucket.getValue() >= rank) {
                    return bucket.getKey() * 1000;
                }
            }
            return Double.POSITIVE_INFINITY;
        }
    }

    /** The hops of one or more services, by hop name. */
    public record Snapshot(Map<String, Hop> hops) {

        public Snapshot minus(Snapshot before) {
            var result = new TreeMap<String, Hop>();
            hops.forEach((name, hop) -> result.put(name, hop.minus(before.hops.get(name))));
            return new Snapshot(result);
        }
    }

    /** Scrapes every {@code managementUrl}, summing each hop over bots (and services). */
    public static Snapshot scrape(List<String> managementUrls) throws IOException, InterruptedException {
        var hops = new TreeMap<String, Hop>();
        for (String url : managementUrls) {
            for (String line : Actuator.get(url + "/actuator/prometheus").split("\n")) {
                add(hops, line);
            }
        }
        return new Snapshot(hops);
    }

    static void add(Map<String, Hop> hops, String line) {
        Matcher bucket = BUCKET.matcher(line);
        if (bucket.find()) {
            Map<String, String> labels = labels(bucket.group(2));
            String le = labels.get("le");
            if (le == null || le.equals("+Inf")) {
                return;
            }
            hop(hops, name(bucket.group(1), labels)).cumulative
                    .merge(Double.parseDouble(le), Double.parseDouble(bucket.group(3)), Double::sum);
            return;
        }
        Matcher total = SUM_OR_COUNT.matcher(line);
        if (total.find()) {
            String name = name(total.group(1), labels(total.group(3) == null ? "" : total.group(3)));
            Hop hop = hop(hops, name);
            double value = Double.parseDouble(total.group(4));
            hops.put(name, total.group(2).equals("sum") ? new Hop(hop.cumulative, hop.count, hop.sumSeconds + value)
                    : new Hop(hop.cumulative, hop.count + value, hop.sumSeconds));
        }
    }

    private static String name(String metric, Map<String, String> labels) {
        return metric.equals("relay_hop_latency") ? labels.get("hop") : RECORD_TO_REDIS;
    }

    private static Hop hop(Map<String, Hop> hops, String name) {
        return hops.computeIfAbsent(name == null ? "?" : name, n -> new Hop(new TreeMap<>(), 0, 0));
    }

    private static Map<String, String> labels(String text) {
        var labels = new TreeMap<String, String>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    /** The hop names in pipeline order (those of {@code HopLatency}), then any others. */
    public static List<String> ordered(Snapshot snapshot) {
        var order = List.of("callback_to_ack", "inbound_to_decision", "decision_to_worker", "worker_to_dify",
                "delta_to_redis", RECORD_TO_REDIS, "finish_to_delivered");
        var names = new ArrayList<String>();
        for (String name : order) {
            if (snapshot.hops().containsKey(name)) {
                names.add(name);
            }
        }
        snapshot.hops().keySet().stream().filter(n -> !order.contains(n)).forEach(names::add);
        return names;
    }
}
