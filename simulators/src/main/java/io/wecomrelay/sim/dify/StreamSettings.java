package io.wecomrelay.sim.dify;

import java.time.Duration;

/** What one stream does: the scenario and its timing, after defaults and directives are merged. */
record StreamSettings(Scenario scenario, int deltaCount, Duration deltaDelay, Duration pause, Duration pingInterval) {

    StreamSettings withScenario(Scenario newScenario) {
        return new StreamSettings(newScenario, deltaCount, deltaDelay, pause, pingInterval);
    }

    StreamSettings withDeltaCount(int count) {
        return new StreamSettings(scenario, count, deltaDelay, pause, pingInterval);
    }

    StreamSettings withDeltaDelay(Duration delay) {
        return new StreamSettings(scenario, deltaCount, delay, pause, pingInterval);
    }

    StreamSettings withPause(Duration newPause) {
        return new StreamSettings(scenario, deltaCount, deltaDelay, newPause, pingInterval);
    }

    StreamSettings withPingInterval(Duration interval) {
        return new StreamSettings(scenario, deltaCount, deltaDelay, pause, interval);
    }
}
