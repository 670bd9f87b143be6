package io.wecomrelay.benchmarks.infra;

/**
 * The reply text of the connector benchmark's streams: a fixed prefix of about {@code bytes} UTF-8 bytes (CJK text,
 * three bytes a character, as most answers are), then {@code #<seq>}, so that a frame tells which write it carries.
 */
public final class BenchContent {

    private static final String SAMPLE = "企业微信机器人长连接流式回复内容";

    private BenchContent() {
    }

    public static String prefix(int bytes) {
        var text = new StringBuilder();
        while (text.length() * 3 < bytes) {
            text.append(SAMPLE.charAt(text.length() % SAMPLE.length()));
        }
        return text.toString();
    }

    public static String of(String prefix, long seq) {
        return prefix + "#" + seq;
    }

    /** The {@code seq} a text carries, or -1 (a placeholder, another text). */
    public static long seqOf(String content) {
        int hash = content.lastIndexOf('#');
        if (hash < 0) {
            return -1;
        }
        try {
            return Long.parseLong(content, hash + 1, content.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
