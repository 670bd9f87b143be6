package io.wecomrelay.devstack.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.wecomrelay.devstack.ServiceInstance;
import org.jspecify.annotations.Nullable;

/** What one outage run counted: its outages, then what came out of the pipeline. */
record OutageResults(Duration took, List<Outage> outages, PipelineCounts counts) implements SuiteRun.Reported {

    /**
     * One outage and what followed it; durations after {@code back} are counted from the moment it was back.
     *
     * @param callbacksDuring how callback attempts ended while it was down ({@link WecomFront#outcomes()})
     * @param acceptingAgain  until ingress acknowledged a message again; null when it did not within the bound
     * @param unhealthy       instances not UP when the wait for health ended (none: every instance recovered)
     * @param unsettled       replies to messages sent until the settle began, still incomplete when it ended (mode and
     *                        stream id)
     */
    record Outage(String what, Duration at, Duration down, Map<String, Long> callbacksDuring,
                  @Nullable Duration acceptingAgain, Duration healthyAgain, List<ServiceInstance> unhealthy,
                  Duration settle, List<String> unsettled) {

        Outage {
            callbacksDuring = Map.copyOf(callbacksDuring);
            unhealthy = List.copyOf(unhealthy);
            unsettled = List.copyOf(unsettled);
        }

        boolean ofBroker() {
            return what.contains("Kafka");
        }

        String line() {
            return what + " for " + FaultResults.seconds(down) + " at +" + FaultResults.seconds(at) + "; callbacks meanwhile "
                    + new TreeMap<>(callbacksDuring) + "; back: a message acknowledged again after "
                    + (acceptingAgain == null ? "NEVER" : FaultResults.seconds(acceptingAgain)) + ", "
                    + (unhealthy.isEmpty() ? "every instance UP after " + FaultResults.seconds(healthyAgain)
                    : "NOT UP after " + FaultResults.seconds(healthyAgain) + ": " + unhealthy) + ", "
                    + (unsettled.isEmpty() ? "every reply to messages sent until then complete after " + FaultResults.seconds(settle)
                    : unsettled.size() + " replies to messages sent until then still incomplete after "
                    + FaultResults.seconds(settle) + ": " + DecisionCounts.first(unsettled));
        }
    }

    @Override
    public String report() {
        var lines = new StringBuilder("\n==== outage suite: " + PipelineUnderLoad.INSTANCES + " instances of every service, "
                + outages.size() + " outages, " + FaultResults.seconds(took) + " (service logs: devstack/target/"
                + OutageScenario.SUITE + "/logs)\n");
        outages.forEach(outage -> lines.append("outage: ").append(outage.line()).append('\n'));
        lines.append(counts.lines());
        return lines.toString();
    }
}
