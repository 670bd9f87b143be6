package io.wecomrelay.sim.dify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UploadTest {

    private static final String KEY = "app-first-key";
    private static final String OTHER_KEY = "app-second-key";
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 1, 2, 3};

    private static DifySimulator sim;
    private static SimClient client;

    @BeforeAll
    static void start() {
        sim = DifySimulator.start(DifySimulatorConfig.defaults().withApiKeys(KEY, OTHER_KEY)
                .withCadence(2, Duration.ofMillis(1)));
        client = new SimClient(sim.baseUrl());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void clean() {
        sim.reset();
    }

    @Test
    void uploadAnswersLikeDifyAndRecordsTheBytes() {
        var response = client.upload(KEY, "猫.PNG", "image/png", PNG, "alice");

        assertThat(response.status()).isEqualTo(201);
        var json = response.json();
        var id = json.get("id").stringValue();
        assertThat(json.get("name").stringValue()).isEqualTo("猫.PNG");
        assertThat(json.get("size").asLong()).isEqualTo(PNG.length);
        assertThat(json.get("extension").stringValue()).isEqualTo("png");
        assertThat(json.get("mime_type").stringValue()).isEqualTo("image/png");
        assertThat(json.get("created_by").stringValue()).isNotEqualTo("alice").hasSize(36);
        assertThat(json.get("created_at").asLong()).isPositive();
        assertThat(sim.uploads()).singleElement().satisfies(upload -> {
            assertThat(upload.id()).isEqualTo(id);
            assertThat(upload.user()).isEqualTo("alice");
            assertThat(upload.content()).isEqualTo(PNG);
            assertThat(upload.apiKeyHint()).doesNotContain(KEY);
        });
        assertThat(sim.upload(id)).isPresent();
    }

    @Test
    void aChatThatReferencesItsUploadsSaysHowManyFilesArrived() {
        var first = client.upload(KEY, "a.png", "image/png", PNG, "alice").json().get("id").stringValue();
        var second = client.upload(KEY, "b.pdf", "application/pdf", "%PDF".getBytes(StandardCharsets.UTF_8), "alice")
                .json().get("id").stringValue();
        var body = SimClient.chatBody("alice", "two files");
        body.putArray("files")
                .add(SimClient.JSON.createObjectNode().put("type", "image").put("transfer_method", "local_file")
                        .put("upload_file_id", first))
                .add(SimClient.JSON.createObjectNode().put("type", "document").put("transfer_method", "local_file")
                        .put("upload_file_id", second));

        var response = client.chat(KEY, body);

        assertThat(response.status()).isEqualTo(200);
        assertThat(ChatStreamTest.answer(response)).isEqualTo(DifySimulator.expectedAnswer("two files", 2))
                .contains("received 2 files");
        assertThat(DifySimulator.expectedAnswer("x", 0)).isEqualTo(DifySimulator.expectedAnswer("x"));
    }

    @Test
    void unknownOrForeignUploadIdsAreInvalidParams() {
        var id = client.upload(KEY, "a.png", "image/png", PNG, "alice").json().get("id").stringValue();

        for (var attempt : new String[][] {{KEY, "bob", id}, {OTHER_KEY, "alice", id}, {KEY, "alice", "no-such-id"}}) {
            var body = SimClient.chatBody(attempt[1], "foreign file");
            body.putArray("files").addObject().put("type", "image").put("transfer_method", "local_file")
                    .put("upload_file_id", attempt[2]);
            var response = client.chat(attempt[0], body);
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().get("code").stringValue()).isEqualTo("invalid_param");
        }
    }

    @Test
    void rejectsUploadsWithoutFileUserOrKey() {
        assertThat(client.upload(KEY, null, null, PNG, "alice").json().get("code").stringValue())
                .isEqualTo("no_file_uploaded");
        assertThat(client.upload(KEY, "a.png", "image/png", PNG, null).json().get("code").stringValue())
                .isEqualTo("invalid_param");
        assertThat(client.upload("app-wrong", "a.png", "image/png", PNG, "alice").status()).isEqualTo(401);
        var tooLarge = client.upload(KEY, "big.bin", null, new byte[(int) UploadHandler.MAX_BYTES + 1], "alice");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("code").stringValue()).isEqualTo("file_too_large");
        assertThat(sim.uploads()).isEmpty();
    }
}
