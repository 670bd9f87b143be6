package io.wecomrelay.support.bots;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The bots file of a service that declares its {@link BotsFileSettings}: loaded at start (a file that cannot be
 * used stops the start; {@code ${NAME}} values in it come from the environment) and checked for changes every
 * {@link BotsFileSettings#reloadInterval()} until the context closes. A service without settings gets neither bean.
 */
@AutoConfiguration
@ConditionalOnBean(BotsFileSettings.class)
class BotsFileAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    BotsFile botsFile(BotsFileSettings settings, MeterRegistry meters) {
        return BotsFile.load(settings.file(), new BotRegistryLoader(System::getenv), meters);
    }

    @Bean
    @ConditionalOnMissingBean
    BotsFileWatcher botsFileWatcher(BotsFile bots, BotsFileSettings settings) {
        return BotsFileWatcher.start(bots, settings.reloadInterval());
    }
}
