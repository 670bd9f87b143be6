package io.wecomrelay.llm.images;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.wecomrelay.schemas.outbound.OutboundPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Where a bot's answer images may come from: the hosts of {@code relay.worker.reply-images.allowed-hosts} and the
 * origin of the bot's own Dify app (its files, e.g. {@code /files/tools/...}, the operator already trusts with the
 * app's key). Another bot's Dify origin is not in it. The address is still judged before connecting, so a Dify
 * whose name resolves to an internal address serves no images (name it by its IP address in the bots file, which
 * makes that exact address and port trusted). Thread-safe.
 */
final class ImagePolicies {

    private final List<String> allowedHosts;
    private final Map<URI, OutboundPolicy> byDifyBase = new ConcurrentHashMap<>();

    ImagePolicies(List<String> allowedHosts) {
        this.allowedHosts = List.copyOf(allowedHosts);
        OutboundPolicy.of(this.allowedHosts); // an entry that does not parse stops the start
    }

    OutboundPolicy forDify(URI difyBase) {
        return byDifyBase.computeIfAbsent(difyBase, base -> {
            var entries = new ArrayList<>(allowedHosts);
            String origin = origin(base);
            if (origin != null) {
                entries.add(origin);
            }
            return OutboundPolicy.of(entries);
        });
    }

    /** The allow-list entry of a Dify base URL: {@code host:port} for https, {@code http://host:port} for http. */
    private static @Nullable String origin(URI base) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        String host = base.getHost();
        if (host == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return null;
        }
        boolean https = scheme.equals("https");
        int port = base.getPort() >= 0 ? base.getPort() : https ? 443 : 80;
        return (https ? "" : "http://") + host + ":" + port;
    }
}
