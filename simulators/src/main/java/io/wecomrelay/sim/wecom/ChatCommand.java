package io.wecomrelay.sim.wecom;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code chat}: behave like WeCom against a callback URL.
 *
 * <pre>
 * chat --url http://127.0.0.1:8080/wecom/callback/demo-bot --bot demo-bot --token T --aes-key K
 *      [--text "你好"] [--user zhangsan] [--chat GROUPID] [--retry N] [--concurrent N] [--poll-ms 1000]
 * </pre>
 * {@code --retry N} resends the same msgid N more times (like WeCom's retries) before polling;
 * {@code --concurrent N} runs N conversations at once. Exit code 0 when every stream finished.
 */
public final class ChatCommand {

    private final PrintStream out;

    ChatCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        int code = new ChatCommand(out).run(args);
        // A command-line tool's exit code is its contract with scripts.
        System.exit(code);
    }

    int run(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        if (!options.keySet().containsAll(List.of("url", "bot", "token", "aes-key"))) {
            out.println("usage: chat --url URL --bot BOT_ID --token TOKEN --aes-key ENCODING_AES_KEY [--text TEXT]"
                    + " [--user USER] [--chat CHAT_ID] [--retry N] [--concurrent N] [--poll-ms MS]");
            return 2;
        }
        WecomClient client = WecomClient.create(URI.create(options.get("url")), options.get("token"), options.get("aes-key"));
        String echo = "echo-" + UUID.randomUUID();
        String echoed = ChatSession.await(client.verifyUrl(echo));
        out.println(echo.equals(echoed) ? "url verification: ok" : "url verification: FAILED (got " + echoed.length() + " bytes)");
        var session = new ChatSession(client, options.get("bot"), Duration.ofMillis(Long.parseLong(options.getOrDefault("poll-ms", "1000"))),
                ChatSession.WECOM_WINDOW);
        int concurrent = Integer.parseInt(options.getOrDefault("concurrent", "1"));
        ExecutorService pool = Executors.newFixedThreadPool(concurrent);
        try {
            List<Future<ChatResult>> results = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                int n = i;
                results.add(pool.submit(() -> turn(client, session, options, n, concurrent > 1)));
            }
            boolean allFinished = true;
            for (Future<ChatResult> result : results) {
                allFinished &= result.get().finished();
            }
            return allFinished && echo.equals(echoed) ? 0 : 1;
        } finally {
            pool.shutdownNow();
        }
    }

    private ChatResult turn(WecomClient client, ChatSession session, Map<String, String> options, int n, boolean tagged)
            throws InterruptedException {
        String msgId = UUID.randomUUID().toString().replace("-", "");
        String user = options.getOrDefault("user", "zhangsan");
        String text = options.getOrDefault("text", "你好，请介绍一下你自己") + (tagged ? " #" + n : "");
        String prefix = tagged ? "[" + n + "] " : "";
        for (int retry = 0; retry < Integer.parseInt(options.getOrDefault("retry", "0")); retry++) {
            CallbackResponse again = ChatSession.await(client.send(WecomMessages.text(options.get("bot"), msgId, user, options.get("chat"), text)));
            out.println(prefix + "retry " + (retry + 1) + ": HTTP " + again.status() + " stream=" + again.streamId());
        }
        ChatResult result = session.chat(msgId, user, options.get("chat"), text, frame -> out.println(prefix + "| " + frame.replace("\n", "\n" + prefix + "| ")));
        out.println(prefix + (result.finished() ? "finished" : "NOT finished") + " stream=" + result.streamId()
                + " refreshes=" + result.refreshes() + " elapsed=" + result.elapsed().toMillis() + "ms");
        return result;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
