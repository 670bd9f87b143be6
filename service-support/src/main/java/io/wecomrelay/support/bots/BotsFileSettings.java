package io.wecomrelay.support.bots;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a service's bots file is and how often it is checked for changes. A service that declares a bean of this
 * type gets a {@link BotsFile} bean (named {@code botsFile}) and a {@link BotsFileWatcher} that stops with the
 * context, from service-support's auto-configuration; each service fills it from its own properties.
 *
 * @param file           the bots YAML file; one that cannot be used stops the start
 * @param reloadInterval how often the file is checked for changes; positive
 */
public record BotsFileSettings(Path file, Duration reloadInterval) {

    public BotsFileSettings {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
    }
}
