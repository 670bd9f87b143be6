package io.wecomrelay.support.deadletter;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * An exception's message made fit for a header that operators, dashboards and tools read. Messages of
 * clients and frameworks can carry a webhook key or a response_url's code in a URL, a token in a
 * {@code key=value} pair, or a long opaque token on its own; all three are masked. Text that is not a
 * secret stays, so the header still says what went wrong.
 */
final class SecretFreeMessages {

    static final int MAX_LENGTH = 300;
    static final String MASK = "***";

    /** scheme://[userinfo@]host[:port][/path][?query][#fragment]: userinfo, query and fragment go. */
    private static final Pattern URL = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*://)(?:[^/?#\\s@]*@)?([^/?#\\s]*)([^?#\\s]*)(?:[?#]\\S*)?");
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)\\b(key|token|secret|password|passwd|signature|sig|aes_?key|encoding_?aes_?key|response_code)"
                    + "(\\s*[=:]\\s*)([^\\s&,;]+)");
    /** 20 or more characters of a token alphabet (base64url, base64 without the slash that also separates paths), with at least one digit and one letter: keys, ids, codes. */
    private static final Pattern OPAQUE_TOKEN = Pattern.compile(
            "(?<![A-Za-z0-9+=_-])(?=[A-Za-z0-9+=_-]*[0-9])(?=[A-Za-z0-9+=_-]*[A-Za-z])[A-Za-z0-9+=_-]{20,}");

    private SecretFreeMessages() {
    }

    /**
     * The failure's message and, when it has another one, its innermost cause's ("Error in execution; caused by:
     * WRONGTYPE ..."), made secret-free; null when neither has one. Wrappers often say little and the client's own
     * exception says what went wrong.
     */
    static @Nullable String of(Throwable failure, Throwable rootCause) {
        String message = present(failure.getMessage());
        String cause = rootCause == failure ? null : present(rootCause.getMessage());
        if (message == null || cause == null || message.contains(cause)) {
            return message != null ? clean(message) : cause != null ? clean(cause) : null;
        }
        return capped(clean(message) + "; caused by: " + clean(cause));
    }

    private static @Nullable String present(@Nullable String message) {
        return message == null || message.isBlank() ? null : message;
    }

    private static String firstLine(String message) {
        return message.strip().lines().findFirst().orElse("");
    }

    static String clean(String message) {
        String line = firstLine(message);
        String withoutUrlSecrets = URL.matcher(line).replaceAll("$1$2$3");
        String withoutParameters = SECRET_PARAMETER.matcher(withoutUrlSecrets).replaceAll("$1$2" + MASK);
        return capped(OPAQUE_TOKEN.matcher(withoutParameters).replaceAll(MASK));
    }

    private static String capped(String text) {
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 1) + "…";
    }
}
