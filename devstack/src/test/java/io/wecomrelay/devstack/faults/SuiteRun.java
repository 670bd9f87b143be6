package io.wecomrelay.devstack.faults;

import java.time.Duration;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fault scenario run once before a suite's checks ({@code @RegisterExtension static}), its report printed, and
 * everything it started stopped after the checks. The run is cut off after {@code timeout}, behind its own bounds.
 */
final class SuiteRun<R extends SuiteRun.Reported> implements BeforeAllCallback, AfterAllCallback {

    /** What a scenario counted, as the suite prints it. */
    interface Reported {
        String report();
    }

    /** A run of the pipeline under faults; {@link #close()} stops everything it started. */
    interface Scenario<R> extends AutoCloseable {
        R run() throws Exception;

        @Override
        void close();
    }

    private final Scenario<R> scenario;
    private final Duration timeout;
    private R results;

    SuiteRun(Scenario<R> scenario, Duration timeout) {
        this.scenario = scenario;
        this.timeout = timeout;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        results = Assertions.assertTimeoutPreemptively(timeout, scenario::run, "the scenario's own bounds did not hold");
        System.out.println(results.report());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        scenario.close();
    }

    R results() {
        return results;
    }
}
