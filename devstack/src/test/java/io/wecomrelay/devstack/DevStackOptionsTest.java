package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DevStackOptionsTest {

    @Test
    void readsValuesAndFlags() {
        assertThat(DevStack.Options.parse(new String[] {"--root", ".", "--bots", "b.yaml", "--no-demo", "--instances", "ingress=2"}))
                .containsEntry("root", ".").containsEntry("bots", "b.yaml").containsEntry("no-demo", "true")
                .containsEntry("instances", "ingress=2");
    }

    @Test
    void helpInEitherSpelling() {
        assertThat(DevStack.Options.parse(new String[] {"--help"})).containsKey("help");
        assertThat(DevStack.Options.parse(new String[] {"--root", ".", "-h"})).containsKey("help");
    }

    @Test
    void anUnknownOptionOrAMissingValueIsRefused() {
        assertThatThrownBy(() -> DevStack.Options.parse(new String[] {"--no-such-option"})).hasMessage("unknown option --no-such-option");
        assertThatThrownBy(() -> DevStack.Options.parse(new String[] {"--bots"})).hasMessage("option --bots needs a value");
        assertThatThrownBy(() -> DevStack.Options.parse(new String[] {"stray"})).hasMessage("unknown option stray");
    }

    @Test
    void theUsageNamesEveryOption() {
        DevStack.VALUED.stream().filter(name -> !name.equals("root"))
                .forEach(name -> assertThat(DevStack.USAGE).contains("--" + name));
        DevStack.FLAGS.forEach(name -> assertThat(DevStack.USAGE).contains("--" + name));
    }
}
