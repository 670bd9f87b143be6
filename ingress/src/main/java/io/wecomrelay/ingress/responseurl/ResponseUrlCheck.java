package io.wecomrelay.ingress.responseurl;

/**
 * Decides whether a callback's {@code response_url} may be used. Pure and fast: it runs on the request path
 * and never resolves a name. ({@link AllowListResponseUrlCheck} is the implementation until the shared
 * outbound policy of {@code schemas} replaces it.)
 */
@FunctionalInterface
public interface ResponseUrlCheck {

    ResponseUrlVerdict check(String url);
}
