package io.wecomrelay.schemas.event;

/** How a reply stream ended, as {@link ReplyRecorded} records it. */
public enum ReplyFinish {
    /** The answer ended normally. */
    FINISHED,
    /** The answer ended with an error; its user-facing sentence is part of the text. */
    FAILED,
    /** The processor refused the message; the text is the bot's rejection text. */
    REJECTED
}
