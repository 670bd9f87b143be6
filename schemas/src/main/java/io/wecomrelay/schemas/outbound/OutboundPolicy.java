package io.wecomrelay.schemas.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The allow-list for URLs that callbacks name (media downloads, {@code response_url}). A URL is
 * allowed when it is plain ASCII without whitespace, backslashes or userinfo, its scheme is
 * {@code https} (or {@code http} for an {@code http://host:port} entry) and its exact host and port
 * are listed. An IP literal host is allowed only when an entry names that same literal, so
 * {@code 127.0.0.1:18080} can be a simulator while {@code 2130706433} or {@code 127.1} stay refused.
 * <p>
 * The check on the name is the first of two: {@link #permitsConnection} judges the address that a
 * name resolved to, just before connecting. Immutable and thread-safe.
 */
public final class OutboundPolicy {

    /**
     * WeCom's own hosts: the API host that serves {@code response_url}
     * ({@code https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=...}) and the COS
     * bucket that serves AI-bot media downloads.
     */
    public static final List<String> WECOM_HOSTS = List.of(
            "qyapi.weixin.qq.com",
            "ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com");

    /** Longer URLs are refused unread; WeCom's signed media URLs are well under 2 KiB. */
    public static final int MAX_URL_LENGTH = 4096;

    private final List<OutboundEntry> entries;
    /** The entries that name an IP literal, as addresses with their ports: the only internal ones ever connected. */
    private final List<InetSocketAddress> trustedLiterals;
    /** {@code scheme://host[:port]/} of the entries whose URLs {@link #refusal} may judge unparsed; see there. */
    private final List<String> plainPrefixes;

    private OutboundPolicy(List<OutboundEntry> entries) {
        this.entries = List.copyOf(entries);
        this.trustedLiterals = entries.stream()
                .flatMap(e -> ForbiddenAddresses.literal(e.host()).map(a -> new InetSocketAddress(a, e.port())).stream())
                .toList();
        this.plainPrefixes = this.entries.stream().map(OutboundPolicy::prefix)
                .filter(prefix -> check(prefix).isAllowed()).toList();
    }

    /** A policy from {@code host[:port]}, {@code https://host[:port]} and {@code http://host:port} entries. */
    public static OutboundPolicy of(Collection<String> entries) {
        return new OutboundPolicy(entries.stream().filter(e -> !e.isBlank()).map(OutboundEntry::parse).toList());
    }

    public List<OutboundEntry> entries() {
        return entries;
    }

    public OutboundVerdict check(@Nullable String url) {
        if (url == null || url.isEmpty() || url.length() > MAX_URL_LENGTH || !plainAscii(url)) {
            return OutboundVerdict.refused(Refusal.MALFORMED);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return OutboundVerdict.refused(Refusal.MALFORMED);
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawUserInfo() != null || uri.getRawAuthority() == null
                || uri.getRawAuthority().contains("@")) {
            return OutboundVerdict.refused(Refusal.MALFORMED);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            // java.net.URI gives up on hosts such as 127.1 or 0x7f.1 that resolvers still accept
            return OutboundVerdict.refused(isForbiddenLiteral(withoutPort(uri.getRawAuthority()))
                    ? Refusal.FORBIDDEN_ADDRESS : Refusal.MALFORMED);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return OutboundVerdict.refused(Refusal.NOT_HTTPS);
        }
        String host = Hosts.normalize(uri.getHost());
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        boolean listed = entries.stream().anyMatch(e -> e.matches(scheme, host, port));
        if (listed) {
            return OutboundVerdict.allowed(uri);
        }
        if (isForbiddenLiteral(host)) {
            return OutboundVerdict.refused(Refusal.FORBIDDEN_ADDRESS);
        }
        return OutboundVerdict.refused(scheme.equals("https") ? Refusal.HOST_NOT_ALLOWED : Refusal.NOT_HTTPS);
    }

    /**
     * {@link #check}'s refusal without the parsed URI, for a caller that requests nothing (ingress screening the
     * {@code response_url} of every callback): empty when {@code check} allows the URL. A URL that is an entry's
     * {@code scheme://host[:port]/} as {@code check} allows it, followed only by letters, digits and {@code -._~/?=&}
     * (every {@code response_url} WeCom sends), is allowed without parsing it: such a rest can only be a path and a
     * query, so it changes neither scheme, host nor port. Everything else goes through {@code check}.
     */
    public Optional<Refusal> refusal(@Nullable String url) {
        if (url != null && url.length() <= MAX_URL_LENGTH) {
            for (String prefix : plainPrefixes) {
                if (url.startsWith(prefix) && plainRest(url, prefix.length())) {
                    return Optional.empty();
                }
            }
        }
        return Optional.ofNullable(check(url).refusal());
    }

    /**
     * Whether a connection to {@code address:port} may be opened: any public address, and an internal
     * one only when an entry names exactly that IP literal and port (a simulator the operator listed).
     */
    public boolean permitsConnection(InetAddress address, int port) {
        if (!ForbiddenAddresses.isForbidden(address)) {
            return true;
        }
        return trustedLiterals.contains(new InetSocketAddress(address, port));
    }

    private static boolean isForbiddenLiteral(String host) {
        Optional<InetAddress> literal = ForbiddenAddresses.literal(host);
        return literal.isPresent() && ForbiddenAddresses.isForbidden(literal.get());
    }

    private static String withoutPort(String authority) {
        int colon = authority.lastIndexOf(':');
        return colon > authority.lastIndexOf(']') ? authority.substring(0, colon) : authority;
    }

    /** The entry's own URL prefix as a sender writes it: no port where it is the scheme's default. */
    private static String prefix(OutboundEntry entry) {
        String scheme = entry.plainHttp() ? "http" : "https";
        boolean defaultPort = entry.port() == (entry.plainHttp() ? 80 : 443);
        String host = entry.host().contains(":") ? "[" + entry.host() + "]" : entry.host();
        return scheme + "://" + host + (defaultPort ? "" : ":" + entry.port()) + "/";
    }

    private static boolean plainRest(String url, int from) {
        for (int i = from; i < url.length(); i++) {
            char c = url.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '?' || c == '=' || c == '&';
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    private static boolean plainAscii(String url) {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "OutboundPolicy" + entries;
    }
}
