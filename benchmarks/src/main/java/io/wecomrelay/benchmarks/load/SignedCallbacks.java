package io.wecomrelay.benchmarks.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.schemas.wecom.CallbackEnvelope;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.sim.wecom.WecomClient;
import tools.jackson.databind.node.ObjectNode;

/**
 * Callbacks encrypted and signed beforehand with the WeCom simulator's crypto ({@link WecomClient}),
 * so that the load generator spends its time sending, not encrypting. Signed "now": use them within
 * ingress's timestamp tolerance (5 minutes).
 */
public final class SignedCallbacks {

    private final List<BenchBots.Bot> bots;
    private final List<WecomClient> clients = new ArrayList<>();

    public SignedCallbacks(List<BenchBots.Bot> bots) {
        this.bots = bots;
        HttpClient unused = HttpClient.newBuilder().build(); // WecomClient wants one; only its crypto is used here
        for (BenchBots.Bot bot : bots) {
            clients.add(new WecomClient(URI.create("http://127.0.0.1/unused"), bot.token(), bot.aesKey(), unused,
                    Clock.systemUTC()));
        }
    }

    public BenchBots.Bot bot(int index) {
        return bots.get(index % bots.size());
    }

    /** The callback {@code plaintext.apply(i)} for bot {@code i % bots}, signed. */
    public SignedRequest sign(int i, ObjectNode plaintext) {
        WecomClient client = clients.get(i % clients.size());
        WecomClient.Signed signed = client.sign(client.encrypt(WecomJson.write(plaintext)));
        return new SignedRequest("/wecom/callback/" + bot(i).id() + "?" + signed.query(),
                new CallbackEnvelope(signed.encrypt()).toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code count} callbacks, the i-th for bot {@code i % bots}, each encrypted and signed when it is read: for
     * phases longer than ingress's timestamp tolerance, where callbacks signed beforehand would be refused as stale.
     */
    public List<SignedRequest> signedWhenSent(int count, IntFunction<ObjectNode> plaintext) {
        return new AbstractList<>() {
            @Override
            public SignedRequest get(int i) {
                return sign(i, plaintext.apply(i));
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    /** {@code count} signed callbacks, the i-th for bot {@code i % bots}. */
    public List<SignedRequest> signAll(int count, IntFunction<ObjectNode> plaintext) {
        var requests = new ArrayList<SignedRequest>(count);
        for (int i = 0; i < count; i++) {
            requests.add(sign(i, plaintext.apply(i)));
        }
        return requests;
    }
}
