package io.wecomrelay.ingress.callback;

import io.wecomrelay.ingress.bots.Bot;

/** A callback whose signature, freshness and encryption checked out. */
record VerifiedCallback(Bot bot, SignedQuery query, String plaintext) {
}
