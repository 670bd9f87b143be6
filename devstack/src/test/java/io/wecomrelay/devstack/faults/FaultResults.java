package io.wecomrelay.devstack.faults;

import java.time.Duration;
import java.util.List;

import io.wecomrelay.devstack.Service;
import io.wecomrelay.devstack.ServiceInstance;

/** What one fault run counted: its kills, then what came out of the pipeline. */
record FaultResults(int instances, Duration took, List<Kill> kills, PipelineCounts counts) implements SuiteRun.Reported {

    /** One SIGKILL and what surrounded it. */
    record Kill(ServiceInstance victim, Duration at, int difyStreamsOpen, int workerInFlight, Duration restart,
                Duration settle, int unsettled) {

        String line() {
            return victim + " at +" + seconds(at) + " (" + difyStreamsOpen + " Dify streams open"
                    + (victim.service() == Service.LLM_WORKER ? ", " + workerInFlight + " replies in flight on it" : "")
                    + "); healthy again " + seconds(restart) + " after its restart; "
                    + (unsettled == 0 ? "every reply to messages sent until then complete " + seconds(settle) + " later"
                    : unsettled + " replies to messages sent until then still incomplete " + seconds(settle) + " later");
        }
    }

    /** Replies the killed llm-worker had in flight. */
    int workerInFlight() {
        return kills.stream().mapToInt(Kill::workerInFlight).sum();
    }

    @Override
    public String report() {
        var lines = new StringBuilder("\n==== fault suite: " + instances + " instances of every service, " + kills.size()
                + " SIGKILLs, " + seconds(took) + " (service logs: devstack/target/faults/logs)\n");
        kills.forEach(kill -> lines.append("kill: ").append(kill.line()).append('\n'));
        lines.append(counts.lines());
        lines.append("replies in flight on the killed llm-worker: ").append(workerInFlight()).append('\n');
        return lines.toString();
    }

    static String seconds(Duration duration) {
        return duration.toSeconds() + " s";
    }
}
