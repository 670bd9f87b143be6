package io.wecomrelay.schemas.bot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
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
 * A {@code dify.base-url} over plain http is refused unless the bot sets {@code dify.allow-insecure-http: true}
 * (a Dify on this machine or a trusted network). YAML syntax errors give the line and column only: the line
 * itself may hold a secret. A key written twice in one mapping is an error.
 */
public final class BotRegistryLoader {

    // A key written twice is an error, not "the last one wins": the first value may be the one meant.
    private final YAMLMapper yaml = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
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
            // The parser's message quotes the offending line, which may hold a secret: keep only its position.
            throw new BotRegistryException("bots file is not valid YAML (a tab, an unclosed quote or bracket, a key "
                    + "written twice, ...)" + position(e) + "; the line is not shown because it may hold a secret");
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

    /**
     * Where the problem is: the YAML scanner's marks (the bad spot, and where the construct it is in began, e.g.
     * the opening quote of an unclosed string), or else Jackson's last token.
     */
    private static String position(JacksonException e) {
        if (e.getCause() instanceof MarkedYamlEngineException marked && marked.getProblemMark().isPresent()) {
            String problem = at(marked.getProblemMark().get());
            String context = marked.getContextMark().map(BotRegistryLoader::at).orElse(problem);
            return " at " + problem + (context.equals(problem) ? "" : " (in what begins at " + context + ")");
        }
        TokenStreamLocation at = e.getLocation();
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String at(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
}
