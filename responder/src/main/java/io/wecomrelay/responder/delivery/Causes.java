package io.wecomrelay.responder.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What of an error or a remote answer may be logged or recorded. Exception messages are never used:
 * {@link java.net.URI}, Reactor Netty and WebClient put the whole URL, query string included, into
 * theirs, and a response_url's query is its credential.
 */
public final class Causes {

    private static final Pattern URL = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://\\S*");
    private static final int MAX_DEPTH = 5;

    private Causes() {
    }

    /** The types of the error and its causes, outermost first, e.g. {@code WebClientRequestException <- ConnectException}. */
    public static String describe(Throwable error) {
        List<String> types = new ArrayList<>();
        for (Throwable cause = error; cause != null && types.size() < MAX_DEPTH;
             cause = cause.getCause() == cause ? null : cause.getCause()) {
            types.add(cause.getClass().getSimpleName());
        }
        return String.join(" <- ", types);
    }

    /** Text from WeCom (errmsg) without the URLs it may hold. */
    public static String withoutUrls(String text) {
        return URL.matcher(text).replaceAll("<url>");
    }
}
