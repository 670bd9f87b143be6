package io.wecomrelay.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.wecomrelay.testkit.LocalKafka;
import org.junit.jupiter.api.Test;

class BrokerInternalsFilterTest {

    @Test
    void dropsTheFormattersLinesAndPassesEveryOtherLine() {
        var console = new ByteArrayOutputStream();
        var filter = new BrokerInternalsFilter(new PrintStream(console, true, StandardCharsets.UTF_8));
        var filtered = new PrintStream(filter, true, StandardCharsets.UTF_8);

        filtered.println("Bootstrap metadata: BootstrapMetadata(records=[...])");
        filtered.println("our line 你好");
        filtered.printf("Formatting metadata directory /tmp/x with metadata.version 4.3-IV0.%n");
        filtered.printf("%s, %s%n", "one of ours", "in pieces");
        filtered.print("last line without a newline");
        filter.finish();

        assertThat(console.toString(StandardCharsets.UTF_8)).isEqualTo("our line 你好\none of ours, in pieces\nlast line without a newline");
    }

    @Test
    void theLocalBrokerStartsWithoutPrintingItsInternals() {
        PrintStream original = System.out;
        var console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try (LocalKafka broker = LocalKafka.start(0)) {
            assertThat(broker.bootstrapServers()).isNotBlank();
        } finally {
            System.setOut(original);
        }
        assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain("Bootstrap metadata").doesNotContain("Formatting metadata directory");
        assertThat(System.out).isSameAs(original);
    }
}
