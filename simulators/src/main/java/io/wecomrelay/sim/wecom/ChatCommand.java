package io.wecomrelay.sim.wecom;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code chat}: behave like WeCom against a callback URL.
 *
 * <pre>
 * chat --url http://127.0.0.1:8080/wecom/callback/demo-bot --bot demo-bot --token T --aes-key K
 *      [--text "你好"] [--user zhangsan] [--chat GROUPID] [--retry N] [--concurrent N] [--poll-ms 1000] [--help]
 * </pre>
 * {@code --retry N} resends the same msgid N more times (like WeCom's retries) before polling;
 * {@code --concurrent N} runs N conversations at once. Each frame is printed whole, a reasoning model's
 * {@code <think>} block apart from the answer ({@link FrameText}). Exit code 0 when every stream finished (and for
 * {@code --help}), 2 for an unknown option.
 */
public final class ChatCommand {

    static final String USAGE = "usage: chat --url URL --bot BOT_ID --token TOKEN --aes-key ENCODING_AES_KEY [--text TEXT]"
            + " [--user USER] [--chat CHAT_ID] [--retry N] [--concurrent N] [--poll-ms MS] [--help]";
    private static final Set<String> OPTIONS = Set.of("url", "bot", "token", "aes-key", "text", "user", "chat", "retry",
            "concurrent", "poll-ms");

    private final PrintStream out;
    private final boolean dim;

    ChatCommand(PrintStream out) {
        this(out, false);
    }

    /** @param dim whether thinking lines are dimmed (ANSI): on a terminal, unless NO_COLOR is set */
    ChatCommand(PrintStream out, boolean dim) {
        this.out = out;
        this.dim = dim;
    }

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        boolean terminal = System.console() != null && System.getenv("NO_COLOR") == null;
        int code = new ChatCommand(out, terminal).run(args);
        // A command-line tool's exit code is its contract with scripts.
        System.exit(code);
    }

    /** 0 when every stream finished, 1 when one did not, 2 for a command line that is not understood. */
    int run(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage() + "\n" + USAGE);
            return 2;
        }
        if (!options.keySet().containsAll(List.of("url", "bot", "token", "aes-key"))) {
            out.println(USAGE);
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
        ChatResult result = session.chat(msgId, user, options.get("chat"), text,
                frame -> out.println(String.join("\n", FrameText.lines(frame, prefix, dim))));
        out.println(prefix + (result.finished() ? "finished" : "NOT finished") + " stream=" + result.streamId()
                + " refreshes=" + result.refreshes() + " elapsed=" + result.elapsed().toMillis() + "ms");
        return result;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            options.put(name, args[i + 1]);
        }
        return options;
    }
}
