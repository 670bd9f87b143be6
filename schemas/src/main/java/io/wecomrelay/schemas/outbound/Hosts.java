package io.wecomrelay.schemas.outbound;

import java.util.Locale;

/** Host names compared the way a resolver sees them. */
final class Hosts {

    private Hosts() {
    }

    /** Lower case, no brackets around IPv6 literals, no trailing root dot. */
    static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }
}
