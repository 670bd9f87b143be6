package io.wecomrelay.sim.wecomapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import io.wecomrelay.sim.dify.SimImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The self-built app side of the WeCom API simulator, over HTTP as the responder calls it. */
class AppApisTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();
    WeComApiSimulator wecom;

    @BeforeEach
    void start() {
        wecom = WeComApiSimulator.start(Clock.systemUTC(), 20, Duration.ofMinutes(1));
        wecom.apps().addApp("ww1", "secret", 7);
    }

    @AfterEach
    void stop() {
        wecom.close();
    }

    @Test
    void issuesTokensOnlyForAKnownCorpAndSecret() throws Exception {
        assertThat(get("/cgi-bin/gettoken?corpid=ww1&corpsecret=secret").path("expires_in").asInt()).isEqualTo(7_200);
        assertThat(get("/cgi-bin/gettoken?corpid=ww1&corpsecret=wrong").path("errcode").asInt()).isEqualTo(40001);
        assertThat(get("/cgi-bin/gettoken?corpid=ww2&corpsecret=secret").path("errcode").asInt()).isEqualTo(40013);
        assertThat(wecom.apps().tokensIssued()).isEqualTo(1);
    }

    @Test
    void sendsWithWeComsErrorCodes() throws Exception {
        String token = token();

        assertThat(send("", text("u", "hi"))).isEqualTo(41001);
        assertThat(send("nope", text("u", "hi"))).isEqualTo(40014);
        assertThat(send(token, text("u", "x".repeat(2_049)))).isEqualTo(45002);
        assertThat(send(token, text("u", ""))).isEqualTo(44004);
        assertThat(send(token, text("u", "hi").replace("\"agentid\":7", "\"agentid\":8"))).isEqualTo(301002);
        assertThat(send(token, text("u", "hi").replace("\"text\"", "\"news\""))).isEqualTo(40008);
        wecom.apps().hideUser(7, "hidden");
        assertThat(send(token, text("hidden", "hi"))).isEqualTo(81013);
        assertThat(send(token, text("u", "好".repeat(682)))).isZero();
        wecom.apps().expireTokens();
        assertThat(send(token, text("u", "late"))).isEqualTo(42001);

        assertThat(wecom.apps().messagesTo(7, "u")).extracting(AppApis.AppMessage::content).containsExactly("好".repeat(682));
    }

    @Test
    void dropsWhatIsOverThePerUserLimitSilently() throws Exception {
        String token = token();
        wecom.apps().perUserPermits(2);

        for (int i = 0; i < 3; i++) {
            assertThat(send(token, text("u", "m" + i))).isZero();
        }

        assertThat(wecom.apps().messagesTo(7, "u")).hasSize(2);
        assertThat(wecom.apps().dropped()).extracting(AppApis.AppMessage::content).containsExactly("m2");
    }

    @Test
    void servesMediaForThreeDaysAndTakesUploadsWithinTheirLimits() throws Exception {
        String token = token();
        wecom.apps().addMedia("m1", "image/jpeg", new byte[] {1, 2, 3, 4, 5, 6, 7});

        HttpResponse<byte[]> media = http.send(HttpRequest.newBuilder(uri("/cgi-bin/media/get?access_token=" + token
                + "&media_id=m1")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(media.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(media.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"m1.jpg\"");
        assertThat(media.body()).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(get("/cgi-bin/media/get?access_token=" + token + "&media_id=unknown").path("errcode").asInt())
                .isEqualTo(40007);

        JsonNode uploaded = upload(token, "file", "hello world".getBytes(StandardCharsets.UTF_8));
        assertThat(uploaded.path("errcode").asInt()).isZero();
        assertThat(uploaded.path("created_at").isString()).isTrue();
        assertThat(wecom.apps().media(uploaded.path("media_id").asString()).bytes()).asString(StandardCharsets.UTF_8)
                .isEqualTo("hello world");
        assertThat(upload(token, "file", new byte[5]).path("errcode").asInt()).isEqualTo(40006);
        assertThat(upload(token, "gif", new byte[50]).path("errcode").asInt()).isEqualTo(40004);
    }

    @Test
    void takesImagesOnlyAsJpgOrPngAndSendsAnUploadedImageByItsMediaId() throws Exception {
        String token = token();

        JsonNode png = upload(token, "image", SimImages.png());
        assertThat(upload(token, "image", "not an image at all".getBytes(StandardCharsets.UTF_8)).path("errcode").asInt())
                .isEqualTo(40123);
        JsonNode file = upload(token, "file", "hello world".getBytes(StandardCharsets.UTF_8));

        assertThat(send(token, image("u", png.path("media_id").asString()))).isZero();
        assertThat(send(token, image("u", "unknown"))).isEqualTo(40007);
        assertThat(send(token, image("u", file.path("media_id").asString()))).isEqualTo(40007);
        assertThat(wecom.apps().messagesTo(7, "u")).singleElement().satisfies(message -> {
            assertThat(message.msgtype()).isEqualTo("image");
            assertThat(wecom.apps().media(message.content()).bytes()).isEqualTo(SimImages.png());
        });
        assertThat(wecom.apps().uploads()).extracting(AppApis.Upload::type, AppApis.Upload::errcode)
                .containsExactly(tuple("image", 0), tuple("image", 40123), tuple("file", 0));
    }

    @Test
    void answersInjectedUploadErrorsFirst() throws Exception {
        String token = token();
        wecom.apps().failNextUploads(1, 45009);

        assertThat(upload(token, "image", SimImages.jpg()).path("errcode").asInt()).isEqualTo(45009);
        assertThat(upload(token, "image", SimImages.jpg()).path("errcode").asInt()).isZero();
    }

    private String token() throws Exception {
        return get("/cgi-bin/gettoken?corpid=ww1&corpsecret=secret").path("access_token").asString();
    }

    private static String text(String user, String content) {
        return "{\"touser\":\"" + user + "\",\"msgtype\":\"text\",\"agentid\":7,\"text\":{\"content\":\"" + content + "\"}}";
    }

    private static String image(String user, String mediaId) {
        return "{\"touser\":\"" + user + "\",\"msgtype\":\"image\",\"agentid\":7,\"image\":{\"media_id\":\"" + mediaId + "\"}}";
    }

    private int send(String token, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/cgi-bin/message/send?access_token=" + token))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body()).path("errcode").asInt();
    }

    private JsonNode upload(String token, String type, byte[] bytes) throws Exception {
        String boundary = "-------------------------acebdf13572468";
        var body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"media\";filename=\"wework.txt\"; "
                + "filelength=" + bytes.length + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(bytes);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri("/cgi-bin/media/upload?access_token=" + token + "&type=" + type))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode get(String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private URI uri(String path) {
        return URI.create(wecom.baseUrl() + path);
    }
}
