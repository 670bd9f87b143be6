package io.wecomrelay.schemas.bot;

/**
 * The bots file cannot be used. The message names the bot and the field and never contains a
 * secret's value.
 */
public final class BotRegistryException extends RuntimeException {

    public BotRegistryException(String message) {
        super(message);
    }

    public BotRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
