package io.wecomrelay.benchmarks.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code BENCH_SERVICE_ENV}: settings for every service, and {@code module:NAME=value} for one module's only. */
class BenchStackTest {

    private static final Map<String, String> ALL = BenchStack.parseExtraEnv(
            " RELAY_A=1, llm-worker:RELAY_B=2,ingress:RELAY_C=3 ,llm-worker:RELAY_A=4,no-equals,=no-name,JAVA_OPTS=-Da=b");

    @Test
    void readsNameValuePairsKeepingTheModulePrefixAndEqualsSignsInValues() {
        assertThat(ALL).containsExactly(entry("RELAY_A", "1"), entry("llm-worker:RELAY_B", "2"),
                entry("ingress:RELAY_C", "3"), entry("llm-worker:RELAY_A", "4"), entry("JAVA_OPTS", "-Da=b"));
        assertThat(BenchStack.parseExtraEnv(null)).isEmpty();
    }

    @Test
    void aModuleGetsTheSettingsForEveryServiceThenItsOwnWithoutThePrefix() {
        assertThat(BenchStack.extraEnv("llm-worker", ALL))
                .as("its own RELAY_A wins over the one for every service")
                .containsExactly(entry("RELAY_A", "4"), entry("JAVA_OPTS", "-Da=b"), entry("RELAY_B", "2"));
        assertThat(BenchStack.extraEnv("ingress", ALL))
                .containsExactly(entry("RELAY_A", "1"), entry("JAVA_OPTS", "-Da=b"), entry("RELAY_C", "3"));
    }

    @Test
    void anotherModulesPrefixIsNotAPrefixMatch() {
        // "llm" is not "llm-worker": only the settings for every service
        assertThat(BenchStack.extraEnv("llm", ALL)).containsExactly(entry("RELAY_A", "1"), entry("JAVA_OPTS", "-Da=b"));
    }
}
