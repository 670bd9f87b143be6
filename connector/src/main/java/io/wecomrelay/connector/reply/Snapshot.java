package io.wecomrelay.connector.reply;

/**
 * What the responder folded into {@code stream:{streamId}} so far.
 *
 * @param content  the full text so far (may be empty)
 * @param finished true once the reply is final (also for a rejection or a failed answer, whose text explains it)
 */
public record Snapshot(String content, boolean finished) {

    public static final Snapshot NOTHING_YET = new Snapshot("", false);

    // the reply's text stays out of logs that print the record
    @Override
    public String toString() {
        return "Snapshot[content=<" + content.length() + " chars>, finished=" + finished + "]";
    }
}
