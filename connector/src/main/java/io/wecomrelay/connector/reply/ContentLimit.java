package io.wecomrelay.connector.reply;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.text.ThinkBlock;
import io.wecomrelay.schemas.wecom.reply.StreamReply;

/** WeCom refuses a stream frame whose {@code content} is over {@value StreamReply#MAX_CONTENT_BYTES} UTF-8 bytes. */
final class ContentLimit {

    private ContentLimit() {
    }

    /**
     * {@code content} followed by {@code note}, within the limit: the responder keeps a reply's text within it, so a
     * note appended to a long reply cuts the end of the text (at a character boundary), never the note, which says
     * why the answer stops there.
     */
    static String withNote(String content, String note) {
        int room = StreamReply.MAX_CONTENT_BYTES - note.getBytes(StandardCharsets.UTF_8).length;
        if (room <= 0) {
            return note;
        }
        String shown = prefixOfAtMost(content, room);
        // a stream cut while the model was still thinking: the note goes after its thinking block, not inside it
        return ThinkBlock.isOpen(shown)
                ? prefixOfAtMost(content, room - ThinkBlock.CLOSE.length()) + ThinkBlock.CLOSE + note
                : shown + note;
    }

    /** The longest prefix of {@code text} of at most {@code bytes} UTF-8 bytes that ends on a whole code point. */
    static String prefixOfAtMost(String text, int bytes) {
        int used = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (used + size > bytes) {
                break;
            }
            used += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }
}
