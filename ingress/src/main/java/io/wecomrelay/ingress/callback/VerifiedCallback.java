package io.wecomrelay.ingress.callback;

import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.schemas.wecom.message.WecomCallback;

/** A callback whose signature, freshness, encryption and content checked out, parsed. */
record VerifiedCallback(Bot bot, SignedQuery query, WecomCallback callback) {

    @Override
    public String toString() {
        return "VerifiedCallback[bot=" + bot.id() + ", query=" + query + ", callback=" + callback + "]";
    }
}
