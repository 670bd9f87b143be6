package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/** The reply modes and events not covered by {@link CallbackEndpointTest}, plus readiness (Kafka, not Redis). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReplyModesTest {

    static final String CARD_BOT = "ingress-card-bot";
    static final String WEBHOOK_BOT = "ingress-webhook-bot";
    static final Path BOTS = IngressTestSupport.botsFile("""
              - id: %s
                token: %s
                aes-key: %s
                reply-mode: stream_with_template_card
                template-card: { card_type: text_notice, main_title: { title: 助手 }, card_action: { type: 1, url: "https://example.com" } }
                welcome-card: { card_type: text_notice, main_title: { title: 欢迎 }, card_action: { type: 1, url: "https://example.com" } }
                card-update: { card_type: button_interaction, main_title: { title: 已处理 }, button_list: [ { text: 好, key: ok } ] }
                dify: { base-url: http://127.0.0.1:9/v1, api-key: app-test, allow-insecure-http: true }
            """.formatted(CARD_BOT, IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY)
            + IngressTestSupport.bot(WEBHOOK_BOT, "webhook"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void streamWithTemplateCardCarriesTheBotsCardOnTheFirstReply() throws Exception {
        String msgId = UUID.randomUUID().toString();

        CallbackResponse response = client(CARD_BOT).send(WecomMessages.text(CARD_BOT, msgId, "u", null, "hi")).get();

        assertThat(response.reply().path("msgtype").asString()).isEqualTo("stream_with_template_card");
        assertThat(response.streamId()).isEqualTo(StreamIds.of(CARD_BOT, msgId));
        assertThat(response.reply().path("template_card").path("main_title").path("title").asString()).isEqualTo("助手");
    }

    @Test
    void enterChatGetsTheWelcomeCardWhenOneIsConfigured() throws Exception {
        CallbackResponse response = client(CARD_BOT).send(WecomMessages.enterChat(CARD_BOT, UUID.randomUUID().toString(), "u")).get();

        assertThat(response.reply().path("msgtype").asString()).isEqualTo("template_card");
        assertThat(response.reply().path("template_card").path("main_title").path("title").asString()).isEqualTo("欢迎");
    }

    @Test
    void aCardClickIsPublishedAndAnsweredWithTheConfiguredUpdate() throws Exception {
        String msgId = UUID.randomUUID().toString();
        ObjectNode click = WecomMessages.enterChat(CARD_BOT, msgId, "u");
        ObjectNode event = click.putObject("event");
        event.put("eventtype", "template_card_event");
        event.putObject("template_card_event").put("card_type", "button_interaction").put("event_key", "ok").put("task_id", "task-42");

        CallbackResponse response = client(CARD_BOT).send(click).get();

        assertThat(response.reply().path("response_type").asString()).isEqualTo("update_template_card");
        assertThat(response.reply().path("template_card").path("task_id").asString()).isEqualTo("task-42");
        assertThat(IngressTestSupport.publishedUntil(CARD_BOT, msgId, Duration.ofSeconds(20)))
                .anySatisfy(e -> assertThat(e.message().eventType()).isEqualTo("template_card_event"));
    }

    @Test
    void webhookBotsGetAnEmptyAnswerAfterThePublish() throws Exception {
        String msgId = UUID.randomUUID().toString();

        CallbackResponse response = client(WEBHOOK_BOT).send(WecomMessages.text(WEBHOOK_BOT, msgId, "u", "group-9", "@bot hi")).get();

        assertThat(response.isEmptyReply()).isTrue();
        assertThat(IngressTestSupport.publishedUntil(WEBHOOK_BOT, msgId, Duration.ofSeconds(20)))
                .anySatisfy(e -> assertThat(e.message().chatId()).isEqualTo("group-9"));
    }

    @Test
    void readinessIncludesKafkaButNotRedisWhichHealthStillShows() throws Exception {
        // ready once its topics are provisioned and the broker answered a check: on a loaded machine not at once
        HttpResponse<String> readiness = await().atMost(Duration.ofSeconds(30)).until(
                () -> get("/actuator/health/readiness"), response -> response.statusCode() == 200);
        HttpResponse<String> health = get("/actuator/health");

        assertThat(readiness.body()).contains("\"kafka\"").doesNotContain("\"redis\"").contains("\"UP\"");
        assertThat(health.body()).contains("\"kafka\"").contains("\"redis\"");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private WecomClient client(String botId) {
        return WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + botId),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);
    }
}
