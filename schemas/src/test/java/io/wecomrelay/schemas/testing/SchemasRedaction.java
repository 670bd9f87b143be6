package io.wecomrelay.schemas.testing;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.bot.InputTemplate;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.message.CallbackMeta;
import org.jspecify.annotations.Nullable;

/**
 * The classification of the {@code schemas} records for {@link RedactionAudit}, and how to build the ones a
 * marker cannot fill. Other modules' audits add their own records to these (their records nest these).
 */
public final class SchemasRedaction {

    private static final String ROOT = "io.wecomrelay.schemas.";

    /** Left out of {@code toString()}: the marker planted in them (at any depth) must never be printed. */
    public static final Set<String> SENSITIVE = qualified(
            "bot.Secret.value", "bot.BotConfig.token", "bot.BotConfig.aesKey", "bot.BotConfig.webhookKey", "bot.BotConfig.secret",
            "bot.DifyApp.apiKey", "bot.IdentitySource.apiKey",
            "bot.InputTemplate.Literal.text",                  // a literal may be a resolved ${SECRET}
            "event.InboundMessage.body", "event.InboundMessage.responseUrl", "event.ReplyRoute.responseUrl",
            "event.ReplyChunk.text", "event.ReplyChunk.images", "event.ChunkError.userMessage", "event.ReplyRecorded.text",
            "wecom.CallbackEnvelope.encrypt", "wecom.ReplyEnvelope.encrypt", "wecom.app.AppEnvelope.encrypt",
            "bot.AppSettings.secret", "wecom.app.AppMessage.fields", "wecom.app.AppTextReply.content",
            "wecom.message.TextMessage.content", "wecom.message.VoiceMessage.content", "wecom.message.FeedbackEvent.content",
            "wecom.message.Quote.content", "wecom.message.MixedItem.Text.content", "wecom.message.MixedItem.Other.raw",
            "wecom.message.MixedItem.Image.url", "wecom.message.MixedItem.Image.aesKey",
            "wecom.message.ImageMessage.url", "wecom.message.ImageMessage.aesKey",
            "wecom.message.FileMessage.url", "wecom.message.FileMessage.aesKey",
            "wecom.message.VideoMessage.url", "wecom.message.VideoMessage.aesKey",
            "wecom.reply.StreamReply.content", "wecom.reply.StreamReply.images", "wecom.reply.StreamImage.base64",
            "wecom.reply.WelcomeTextReply.content",
            RedactionAudit.Marks.EXTRA + "CallbackMeta.responseUrl", RedactionAudit.Marks.EXTRA + "CallbackMeta.raw",
            RedactionAudit.Marks.EXTRA + "OutboundVerdict.query", RedactionAudit.Marks.EXTRA + "BotRegistry.token",
            RedactionAudit.Marks.EXTRA + "BotRegistry.apiKey", RedactionAudit.Marks.EXTRA + "InputTemplate.literal");

    /** Named like sensitive data but decided harmless: ids, counts, reason codes, operator configuration. */
    public static final Set<String> SHOWN = qualified(
            "bot.BotConfig.welcomeCard", "bot.BotConfig.templateCard", "bot.BotConfig.cardUpdate", // operator's cards
            "bot.BotConfig.rejectionTexts", "bot.DifyApp.baseUrl", "bot.IdentitySource.url",      // operator's config
            "event.InboundMessage.responseUrlRefused",                                              // a reason code
            "event.MessageReceived.message", "event.MessageAccepted.message", "event.MessageRejected.message", // redact themselves
            "event.MessageAccepted.conversationKey", "event.ReplyChunk.conversationKey",            // bot + chat/user id
            "event.ReplyChunk.attachedImages", "event.ReplyImage.key",                             // Redis keys, md5s, sizes
            "event.Usage.promptTokens", "event.Usage.completionTokens", "event.Usage.totalTokens",  // counts
            "topic.TopicSpec.key",                                                                  // what the key is
            "wecom.message.TemplateCardEvent.cardType", "wecom.message.TemplateCardEvent.eventKey",
            "wecom.message.TemplateCardEvent.SelectedItem.questionKey",                             // card ids
            "wecom.reply.TemplateCardReply.card", "wecom.reply.StreamWithTemplateCardReply.card",
            "wecom.reply.UpdateTemplateCardReply.card");                                            // operator's cards

    /** {@link CallbackMeta}, {@link BotRegistry} and {@link InputTemplate} are classes: their fields get markers by hand. */
    public static final Map<Class<?>, Function<RedactionAudit.Marks, @Nullable Object>> FACTORIES = Map.of(
            InputTemplate.class, marks -> InputTemplate.parse("{user_id}" + marks.mark("InputTemplate.literal")),
            BotRegistry.class, marks -> new BotRegistryLoader(name -> null).parse("""
                    bots:
                      - id: b
                        token: %s
                        aes-key: jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C
                        dify: { base-url: https://dify.example/v1, api-key: %s }
                    """.formatted(marks.mark("BotRegistry.token"), marks.mark("BotRegistry.apiKey"))),
            CallbackMeta.class, marks -> new CallbackMeta(marks.mark("CallbackMeta.msgId"), "text", null,
                    marks.mark("CallbackMeta.aibotId"), marks.mark("CallbackMeta.chatId"), ChatType.SINGLE,
                    marks.mark("CallbackMeta.userId"), marks.mark("CallbackMeta.corpId"),
                    marks.mark("CallbackMeta.responseUrl"), null, null,
                    WecomJson.mapper().createObjectNode().put("content", marks.mark("CallbackMeta.raw"))));

    /** Components whose constructor check a marker would fail. */
    public static final Map<String, Function<RedactionAudit.Marks, @Nullable Object>> OVERRIDES = Map.of(
            ROOT + "wecom.reply.StreamImage.md5", marks -> "0123456789abcdef0123456789abcdef", // must be hex
            ROOT + "event.ReplyImage.md5", marks -> "0123456789abcdef0123456789abcdef",         // must be hex
            ROOT + "event.InboundMessage.responseUrlRefused", marks -> null,                   // never with a URL
            ROOT + "event.DeliveryRecorded.reason", marks -> null,                             // only when FAILED
            ROOT + "event.ReplyRecorded.errorCode", marks -> null,                             // only when FAILED
            ROOT + "event.ReplyRecorded.rejectReason", marks -> null,                          // only when REJECTED
            ROOT + "outbound.OutboundVerdict.refusal", marks -> null,                          // a URI or a refusal
            ROOT + "bot.DifyApp.queryVariable", marks -> null,                                 // a chat app has none
            ROOT + "bot.DifyApp.outputVariable", marks -> null,                                // only a workflow has one
            ROOT + "outbound.OutboundVerdict.uri",
            marks -> java.net.URI.create("https://h.example/p?response_code=" + marks.mark("OutboundVerdict.query")));

    private SchemasRedaction() {
    }

    private static Set<String> qualified(String... keys) {
        return Set.of(keys).stream().map(key -> key.startsWith(RedactionAudit.Marks.EXTRA) ? key : ROOT + key)
                .collect(Collectors.toUnmodifiableSet());
    }
}
