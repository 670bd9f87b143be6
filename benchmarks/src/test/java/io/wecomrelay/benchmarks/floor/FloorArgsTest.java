package io.wecomrelay.benchmarks.floor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The floor hop's command line: what each mode needs, and that the harness's arguments parse back to the same. */
class FloorArgsTest {

    @Test
    void relayNeedsRedisAndAnInputTopic() {
        var args = FloorArgs.parse("relay", "--kafka=127.0.0.1:9092", "--redis=redis://127.0.0.1:6379", "--in=floor.relay.in",
                "--out=floor.relay.out");
        assertThat(args).isEqualTo(new FloorArgs(FloorArgs.Mode.RELAY, "127.0.0.1:9092", "redis://127.0.0.1:6379",
                "floor.relay.in", "floor.relay.out", ""));
        assertThatThrownBy(() -> FloorArgs.parse("relay", "--kafka=k:1", "--in=a", "--out=b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--redis");
        assertThatThrownBy(() -> FloorArgs.parse("relay", "--kafka=k:1", "--redis=redis://r", "--out=b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--in");
    }

    @Test
    void eosNeedsAStateDirectoryAndHttpNoInputTopic() {
        assertThatThrownBy(() -> FloorArgs.parse("eos", "--kafka=k:1", "--in=a", "--out=b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--state-dir");
        assertThat(FloorArgs.parse("http", "--kafka=k:1", "--out=b").mode()).isEqualTo(FloorArgs.Mode.HTTP);
        assertThatThrownBy(() -> FloorArgs.parse("http", "--kafka=k:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--out");
    }

    @Test
    void refusesUnknownModesOptionsAndBareWords() {
        assertThatThrownBy(() -> FloorArgs.parse("streams", "--kafka=k:1", "--out=b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown mode 'streams'");
        assertThatThrownBy(() -> FloorArgs.parse("http", "--kafka=k:1", "--out=b", "--topic=c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --topic");
        assertThatThrownBy(() -> FloorArgs.parse("http", "--kafka=k:1", "out=b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not --name=value");
        assertThatThrownBy(FloorArgs::parse).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usage");
    }

    @Test
    void whatTheHarnessPassesParsesBackToTheSame() {
        for (var args : new FloorArgs[] {
                new FloorArgs(FloorArgs.Mode.RELAY, "k:1", "redis://r:6379", "in", "out", ""),
                new FloorArgs(FloorArgs.Mode.EOS, "k:1", "", "in", "out", "/tmp/state"),
                new FloorArgs(FloorArgs.Mode.HTTP, "k:1", "", "", "out", "")}) {
            assertThat(FloorArgs.parse(args.toArgs().toArray(String[]::new))).isEqualTo(args);
        }
    }
}
