package io.wecomrelay.cli.bots;

import java.nio.file.Path;
import java.util.Map;

import io.wecomrelay.cli.command.PrintingCommand;
import io.wecomrelay.cli.output.ExitCodes;
import io.wecomrelay.cli.output.Rows;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryException;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code relay bots}: the bots file, checked by the loader every service uses. */
@Command(name = "bots", mixinStandardHelpOptions = true, description = "The bots file.",
        subcommands = BotsCommand.Validate.class)
public final class BotsCommand {

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Loads FILE with the services' own loader (${NAME} references resolved from this "
                    + "environment, as the services resolve them) and lists its bots with their policy versions.",
                    "Exit code 1 with the loader's message (naming the bot and the field, never a value) when a "
                            + "service would refuse the file."})
    static final class Validate extends PrintingCommand {

        @Parameters(paramLabel = "FILE", description = "The bots YAML file.")
        Path file;

        @Override
        public Integer call() {
            BotRegistry registry;
            try {
                registry = new BotRegistryLoader(System::getenv).load(file);
            } catch (BotRegistryException e) {
                err().println("relay bots validate: " + file + ": " + e.getMessage());
                return ExitCodes.DIFFERENCES;
            }
            Rows rows = rows();
            for (BotConfig bot : registry.all()) {
                Map<String, @Nullable Object> row = Rows.row();
                row.put("bot", bot.id());
                row.put("connection", bot.connection().wireName());
                row.put("reply-mode", bot.replyMode().name().toLowerCase(java.util.Locale.ROOT));
                row.put("enabled", bot.auth().enabled());
                row.put("rate-limit-per-minute", bot.rateLimitPerMinute());
                row.put("policy-version", bot.policyVersion());
                rows.add(row);
            }
            rows.flush();
            err().println(file + ": valid, " + registry.size() + " bots");
            return ExitCodes.OK;
        }
    }
}
