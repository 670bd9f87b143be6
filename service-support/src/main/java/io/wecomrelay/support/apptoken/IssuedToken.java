package io.wecomrelay.support.apptoken;

import java.time.Duration;
import java.util.Objects;

/** What {@code gettoken} issued: the token and how long WeCom says it lives. */
public record IssuedToken(String token, Duration expiresIn) {

    public IssuedToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresIn, "expiresIn");
    }

    // the token is a credential
    @Override
    public String toString() {
        return "IssuedToken[token=<" + token.length() + " chars>, expiresIn=" + expiresIn + "]";
    }
}
