package io.wecomrelay.schemas.text;

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

    /**
     * About {@code targetBytes} of the answers that outgrow one message: sections with headings, Chinese prose
     * without spaces, fenced Python blocks and tables of twenty rows, so that every kind of block straddles some
     * 2,048-, 4,096- and 20,480-byte boundary.
     */
    public static String documented(int targetBytes) {
        var text = new StringBuilder("# 部署指南 Deployment guide\n\n");
        int section = 0;
        while (ContentCap.utf8Length(text.toString()) < targetBytes) {
            section++;
            text.append("## 第").append(section).append("节 配置与验证\n\n");
            text.append("企业微信智能机器人在收到用户消息之后，把问题交给大模型，回答以流式消息逐步显示；")
                    .append("回答超过两万字节时，剩下的部分通过后续消息按顺序发出，不会被截断。第")
                    .append(section).append("节说明具体的配置步骤和验证方法。\n\n");
            text.append("```python\n");
            for (int line = 0; line < 25; line++) {
                text.append("    value_").append(line).append(" = compute(\"第").append(section).append("节第")
                        .append(line).append("行\")  # 注释\n");
            }
            text.append("```\n\n");
            text.append("| 参数 | 默认值 | 说明 |\n|---|:---:|---|\n");
            for (int row = 0; row < 20; row++) {
                text.append("| param_").append(section).append('_').append(row).append(" | ").append(row * 10)
                        .append(" | 第").append(row).append("行：这个参数控制回答的分段方式 |\n");
            }
            text.append('\n');
        }
        return text.toString();
    }
}
