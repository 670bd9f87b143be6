package io.wecomrelay.schemas.text;

/**
 * WeCom's native thinking display in an AI bot's stream: stream content that starts with {@code <think>} shows what
 * follows, up to {@code </think>}, as the model's collapsible thinking, and the rest as the answer (WeCom's own
 * OpenClaw plugin sends {@code <think></think>} as its "thinking" placeholder frame). The llm-worker shows a
 * reasoning model's thinking this way while a reply streams, an open block until the answer starts. A frame that
 * finishes such a stream without the worker (a deadline, an expired window) closes the block first, or its note
 * would be hidden inside the thinking.
 */
public final class ThinkBlock {

    public static final String OPEN = "<think>";
    public static final String CLOSE = "</think>";

    private ThinkBlock() {
    }

    /** True when {@code content} has a thinking block that is not closed. */
    public static boolean isOpen(String content) {
        int open = content.lastIndexOf(OPEN);
        return open >= 0 && content.indexOf(CLOSE, open + OPEN.length()) < 0;
    }

    /** {@code content}, its thinking block closed when it is open. */
    public static String closed(String content) {
        return isOpen(content) ? content + CLOSE : content;
    }

    /** {@code thinking} as the text of a block: a {@code </think>} inside it would end the block early. */
    public static String inner(String thinking) {
        return thinking.replace(CLOSE, "</ think>");
    }
}
