package io.wecomrelay.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.testing.RedactionAudit;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.message.CallbackMeta;
import org.junit.jupiter.api.Test;

/**
 * No record of {@code schemas} prints message text, a response_url, media URLs and keys, ciphertext or a
 * credential. A new record component named like such data fails {@link #everyComponentNamedLikeSensitiveDataIsClassified}
 * until it is put in one of the two lists below (and, if sensitive, its record's {@code toString} leaves it out).
 */
class RecordRedactionTest {

    /** Left out of {@code toString()}: the marker planted in them (at any depth) must never be printed. */
    static final Set<String> SENSITIVE = Set.of(
            "bot.Secret.value", "bot.BotConfig.token", "bot.BotConfig.aesKey", "bot.BotConfig.webhookKey",
            "bot.DifyApp.apiKey",
            "event.InboundMessage.body", "event.InboundMessage.responseUrl", "event.ReplyRoute.responseUrl",
            "event.ReplyChunk.text", "event.ReplyChunk.images", "event.ChunkError.userMessage",
            "wecom.CallbackEnvelope.encrypt", "wecom.ReplyEnvelope.encrypt",
            "wecom.message.TextMessage.content", "wecom.message.VoiceMessage.content", "wecom.message.FeedbackEvent.content",
            "wecom.message.Quote.content", "wecom.message.MixedItem.Text.content", "wecom.message.MixedItem.Other.raw",
            "wecom.message.MixedItem.Image.url", "wecom.message.MixedItem.Image.aesKey",
            "wecom.message.ImageMessage.url", "wecom.message.ImageMessage.aesKey",
            "wecom.message.FileMessage.url", "wecom.message.FileMessage.aesKey",
            "wecom.message.VideoMessage.url", "wecom.message.VideoMessage.aesKey",
            "extra:wecom.message.CallbackMeta.responseUrl", "extra:wecom.message.CallbackMeta.raw",
            "wecom.reply.StreamReply.content", "wecom.reply.StreamReply.images", "wecom.reply.StreamImage.base64",
            "wecom.reply.WelcomeTextReply.content");

    /** Named like sensitive data but decided harmless: ids, counts, reason codes, operator configuration. */
    static final Set<String> SHOWN = Set.of(
            "bot.BotConfig.welcomeCard", "bot.BotConfig.templateCard", "bot.BotConfig.cardUpdate", // operator's cards
            "bot.BotConfig.rejectionTexts", "bot.DifyApp.baseUrl",                                  // operator's config
            "event.InboundMessage.responseUrlRefused",                                              // a reason code
            "event.MessageReceived.message", "event.MessageAccepted.message", "event.MessageRejected.message", // redact themselves
            "event.MessageAccepted.conversationKey", "event.ReplyChunk.conversationKey",            // bot + chat/user id
            "event.Usage.promptTokens", "event.Usage.completionTokens", "event.Usage.totalTokens",  // counts
            "topic.TopicSpec.key",                                                                  // what the key is
            "wecom.message.TemplateCardEvent.cardType", "wecom.message.TemplateCardEvent.eventKey",
            "wecom.message.TemplateCardEvent.SelectedItem.questionKey",                             // card ids
            "wecom.reply.TemplateCardReply.card", "wecom.reply.StreamWithTemplateCardReply.card",
            "wecom.reply.UpdateTemplateCardReply.card");                                            // operator's cards

    final RedactionAudit audit = new RedactionAudit("io.wecomrelay.schemas", EventSerde.class,
            Map.of(CallbackMeta.class, marks -> new CallbackMeta(marks.mark("msgId"), "text", null, marks.mark("aibotId"),
                    marks.mark("chatId"), null, marks.mark("userId"), marks.mark("corpId"),
                    marks.mark("wecom.message.CallbackMeta.responseUrl"), null, null,
                    WecomJson.mapper().createObjectNode().put("content", marks.mark("wecom.message.CallbackMeta.raw")))),
            Map.of("wecom.reply.StreamImage.md5", marks -> "0123456789abcdef0123456789abcdef", // checked to be hex
                    "event.InboundMessage.responseUrlRefused", marks -> null));             // never with a URL

    @Test
    void everyComponentNamedLikeSensitiveDataIsClassified() {
        assertThat(audit.undecided(SENSITIVE, SHOWN)).isEmpty();
    }

    @Test
    void noRecordPrintsASensitiveComponent() {
        assertThat(audit.records()).hasSizeGreaterThan(30); // the scan found the records

        assertThat(audit.leaks(SENSITIVE)).isEmpty();
    }

    @Test
    void anEventStillPrintsItsIdsForOperators() {
        var event = Events.received("bot-1", "msg-1", Events.T0);

        assertThat(event.toString()).contains("bot-1", "msg-1", event.streamId(), "zhangsan")
                .doesNotContain("你好", "response_code");
    }
}
