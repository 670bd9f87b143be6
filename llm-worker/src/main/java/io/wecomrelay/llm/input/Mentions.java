package io.wecomrelay.llm.input;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes the bot's {@code @Name} from message text. WeCom keeps the mention in
 * {@code text.content} wherever the user typed it, followed by a space (often U+2005).
 */
final class Mentions {

    private static final Pattern FIRST_MENTION = Pattern.compile("@[^\\s\\u2005]+");

    private Mentions() {
    }

    /**
     * @param names the bot's display names; when empty, the first {@code @word} of a group message is
     *              taken to be the bot (WeCom only delivers group messages that mention it)
     * @param group true in group chats
     */
    static String strip(String text, List<String> names, boolean group) {
        String result = text;
        if (!names.isEmpty()) {
            for (String name : names) {
                result = result.replace("@" + name, " ");
            }
        } else if (group) {
            result = FIRST_MENTION.matcher(result).replaceFirst(" ");
        }
        return result.strip();
    }
}
