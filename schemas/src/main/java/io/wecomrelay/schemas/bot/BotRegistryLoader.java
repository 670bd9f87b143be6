package io.wecomrelay.schemas.bot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the bots file. Every string value may contain {@code ${NAME}} or {@code ${NAME:default}}
 * references, resolved through the injected environment lookup. Validation happens here, once, with
 * errors of the form {@code bot 'x': field 'aes-key': must be 43 characters}.
 *
 * <pre>
 * bots:
 *   - id: aib123
 *     token: ${BOT_TOKEN}
 *     aes-key: ${BOT_AES_KEY}
 *     reply-mode: passive_stream        # passive_stream | stream_with_template_card | response_url | webhook
 *     dify: { base-url: https://api.dify.ai/v1, api-key: ${DIFY_API_KEY} }
 * </pre>
 */
public final class BotRegistryLoader {

    private final YAMLMapper yaml = new YAMLMapper();
    private final UnaryOperator<@Nullable String> environment;

    /** @param environment looks up a variable, returning null when it is not set (e.g. {@code System::getenv}) */
    public BotRegistryLoader(UnaryOperator<@Nullable String> environment) {
        this.environment = environment;
    }

    public BotRegistry load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BotRegistryException("cannot read bots file " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    public BotRegistry parse(String content) {
        JsonNode root;
        try {
            root = yaml.readTree(content);
        } catch (JacksonException e) {
            throw new BotRegistryException("bots file is not valid YAML" + where(e));
        }
        if (root == null || !root.path("bots").isArray()) {
            throw new BotRegistryException("bots file must have a top-level 'bots' list");
        }
        var bots = new ArrayList<BotConfig>();
        var seen = new HashSet<String>();
        int index = 0;
        for (JsonNode node : root.path("bots")) {
            BotConfig bot = new BotEntryReader(node, index++, environment).read();
            if (!seen.add(bot.id())) {
                throw new BotRegistryException("bot '" + bot.id() + "': id is configured twice");
            }
            bots.add(bot);
        }
        return new BotRegistry(bots);
    }

    /** Only where: the parser's own message quotes the offending line, which may hold a secret. */
    private static String where(JacksonException e) {
        var location = e.getLocation();
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
