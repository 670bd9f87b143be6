package io.wecomrelay.responder.text;

/** Long replies for tests: Chinese prose, English, emoji and fenced code blocks. */
public final class Replies {

    private Replies() {
    }

    /**
     * About {@code targetBytes} of markdown: numbered Chinese paragraphs, with a long fenced Java block
     * every fourth paragraph so that code blocks straddle every 4,096-byte and the 20,480-byte boundary.
     */
    public static String mixed(int targetBytes) {
        var text = new StringBuilder("# 回答 Answer\n\n");
        int paragraph = 0;
        while (ContentCap.utf8Length(text.toString()) < targetBytes) {
            paragraph++;
            if (paragraph % 4 == 0) {
                text.append("```java\n");
                for (int line = 0; line < 40; line++) {
                    text.append("    String s").append(line).append(" = \"第").append(line).append("行 🚀\";\n");
                }
                text.append("```\n\n");
            } else {
                text.append("第").append(paragraph).append("段：企业微信机器人把用户的问题转发给大模型，")
                        .append("然后把流式回答逐步显示出来。This paragraph mixes English words with 中文字符，")
                        .append("以及一个表情 😀，用来检查按 UTF-8 字节切分时不会切坏任何字符。\n\n");
            }
        }
        return text.toString();
    }

    /** One long line of Chinese without any line break or space. */
    public static String unbroken(int targetBytes) {
        var text = new StringBuilder();
        while (ContentCap.utf8Length(text.toString()) < targetBytes) {
            text.append("这是一段没有换行也没有空格的很长的中文文本");
        }
        return text.toString();
    }
}
