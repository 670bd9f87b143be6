package io.wecomrelay.sim.wecomapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;

import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.dify.SimImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Webhook {@code image} messages as WeCom checks them: base64, MD5 of the raw bytes, 2 MB, JPG or PNG. */
class WebhookImageTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();
    WeComApiSimulator wecom;

    @BeforeEach
    void start() {
        wecom = WeComApiSimulator.start();
        wecom.addWebhookKey("k");
    }

    @AfterEach
    void stop() {
        wecom.close();
    }

    @Test
    void aJpgOrPngWithItsMd5IsShownAndRecordedWithItsBase64() throws Exception {
        var png = StreamImage.of(SimImages.png());
        var jpg = StreamImage.of(SimImages.jpg());

        assertThat(send(png.base64(), png.md5())).isZero();
        assertThat(send(jpg.base64(), jpg.md5())).isZero();

        assertThat(wecom.messagesTo("k")).extracting(WeComApiSimulator.Message::msgtype).containsExactly("image", "image");
        assertThat(Base64.getDecoder().decode(wecom.messagesTo("k").get(0).content())).isEqualTo(SimImages.png());
    }

    @Test
    void aWrongMd5BadBase64AnotherFormatOrMoreThanTwoMegabytesIsRefused() throws Exception {
        var png = StreamImage.of(SimImages.png());
        var gif = StreamImage.of("GIF89a-not-shown".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] large = new byte[WeComApiSimulator.MAX_WEBHOOK_IMAGE_BYTES + 1];
        System.arraycopy(SimImages.png(), 0, large, 0, 8);
        var tooLarge = StreamImage.of(large);

        assertThat(send(png.base64(), "0".repeat(32))).isEqualTo(WeComApiSimulator.INVALID_IMAGE);
        assertThat(send("%%%", png.md5())).isEqualTo(WeComApiSimulator.INVALID_IMAGE);
        assertThat(send(gif.base64(), gif.md5())).isEqualTo(WeComApiSimulator.INVALID_IMAGE);
        assertThat(send(tooLarge.base64(), tooLarge.md5())).isEqualTo(WeComApiSimulator.INVALID_IMAGE);
        assertThat(wecom.messagesTo("k")).isEmpty();
    }

    private int send(String base64, String md5) throws Exception {
        var body = JSON.createObjectNode().put("msgtype", "image");
        body.putObject("image").put("base64", base64).put("md5", md5);
        var request = HttpRequest.newBuilder(URI.create(wecom.baseUrl() + "/cgi-bin/webhook/send?key=k"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("errcode").asInt();
    }
}
