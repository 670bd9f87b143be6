package io.wecomrelay.ingress.callback;

import io.wecomrelay.ingress.bots.Bot;

/**
 * A callback whose signature, freshness and encryption checked out; its JSON as UTF-8 bytes, which the
 * parser reads without decoding a {@code String} first.
 */
record VerifiedCallback(Bot bot, SignedQuery query, byte[] plaintextUtf8) {

    @Override
    public String toString() {
        return "VerifiedCallback[bot=" + bot.id() + ", query=" + query + ", plaintext=<" + plaintextUtf8.length + " bytes>]";
    }
}
