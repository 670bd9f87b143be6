package io.wecomrelay.schemas.outbound;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Addresses the relay never connects to on a caller's behalf: loopback, private (RFC 1918, unique
 * local), link-local (with the cloud metadata endpoints 169.254.169.254 and 169.254.0.23), CGNAT
 * (with Alibaba's metadata 100.100.100.200), multicast, unspecified, broadcast, reserved,
 * benchmarking and documentation ranges. IPv6 forms that embed an IPv4 address (mapped,
 * compatible, NAT64, 6to4) are judged by the embedded address, so {@code ::ffff:127.0.0.1} is loopback.
 */
public final class ForbiddenAddresses {

    private ForbiddenAddresses() {
    }

    public static boolean isForbidden(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return isForbiddenV4(b);
        }
        return isForbiddenV6(b);
    }

    private static boolean isForbiddenV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        return a0 == 0                                   // "this network", 0.0.0.0
                || a0 == 10                              // private
                || a0 == 127                             // loopback
                || (a0 == 100 && (a1 & 0xc0) == 64)      // CGNAT 100.64/10
                || (a0 == 169 && a1 == 254)              // link-local, metadata
                || (a0 == 172 && (a1 & 0xf0) == 16)      // private 172.16/12
                || (a0 == 192 && a1 == 0 && a2 == 0)     // IETF protocol assignments
                || (a0 == 192 && a1 == 0 && a2 == 2)     // TEST-NET-1
                || (a0 == 192 && a1 == 88 && a2 == 99)   // 6to4 relay anycast
                || (a0 == 192 && a1 == 168)              // private
                || (a0 == 198 && (a1 & 0xfe) == 18)      // benchmarking 198.18/15
                || (a0 == 198 && a1 == 51 && a2 == 100)  // TEST-NET-2
                || (a0 == 203 && a1 == 0 && a2 == 113)   // TEST-NET-3
                || a0 >= 224;                            // multicast, reserved, broadcast
    }

    private static boolean isForbiddenV6(byte[] b) {
        if (embedsV4At12(b)) {
            return isForbiddenV4(new byte[] {b[12], b[13], b[14], b[15]});
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) { // 6to4 2002::/16 embeds an IPv4 address
            return isForbiddenV4(new byte[] {b[2], b[3], b[4], b[5]});
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        boolean allZeroButLast = true;
        for (int i = 0; i < 15; i++) {
            allZeroButLast &= b[i] == 0;
        }
        return (allZeroButLast && (b[15] == 0 || b[15] == 1))    // :: and ::1
                || (first & 0xfe) == 0xfc                        // unique local fc00::/7 (AWS fd00:ec2::254)
                || (first == 0xfe && (second & 0xc0) == 0x80)    // link-local fe80::/10
                || (first == 0xfe && (second & 0xc0) == 0xc0)    // site-local fec0::/10 (deprecated)
                || first == 0xff                                 // multicast
                || (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0)        // Teredo 2001::/32
                || (first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) // documentation
                || (first == 0x01 && second == 0 && allZero(b, 2, 8))                  // discard-only 100::/64
                || first == 0;                                   // any other ::/8 form (reserved)
    }

    /** IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d and NAT64 64:ff9b::a.b.c.d. */
    private static boolean embedsV4At12(byte[] b) {
        boolean mapped = allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = allZero(b, 0, 12) && !(allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1));
        boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12);
        return mapped || compatible || nat64;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The address a host string denotes when it is an IP literal in any spelling a resolver or a
     * browser accepts: dotted quad, fewer parts ({@code 127.1}), one number ({@code 2130706433}),
     * octal ({@code 0177.0.0.1}) or hex ({@code 0x7f.1}) parts, or IPv6 (with or without brackets,
     * with a zone). Empty when the host is a name.
     */
    public static Optional<InetAddress> literal(String host) {
        String h = Hosts.normalize(host);
        if (h.contains(":")) {
            int zone = h.indexOf('%');
            String bare = zone >= 0 ? h.substring(0, zone) : h;
            if (!bare.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return Optional.empty();
            }
            try {
                InetAddress address = InetAddress.getByName(bare);  // a literal: no lookup
                return Optional.of(address);
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return ipv4(h).map(ForbiddenAddresses::v4);
    }

    /** inet_aton(3): 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the rest. */
    private static Optional<byte[]> ipv4(String h) {
        if (h.isEmpty() || h.startsWith(".") || h.endsWith(".") || h.contains("..")) {
            return Optional.empty();
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long value = number(parts[i]);
            if (value == null) {
                return Optional.empty();
            }
            values[i] = value;
        }
        long result = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 0xff) {
                return Optional.empty();
            }
            result |= values[i] << (8 * (3 - i));
        }
        long last = values[values.length - 1];
        int lastBytes = 4 - (values.length - 1);
        if (last >= (1L << (8 * lastBytes))) {
            return Optional.empty();
        }
        result |= last;
        return Optional.of(new byte[] {(byte) (result >>> 24), (byte) (result >>> 16), (byte) (result >>> 8), (byte) result});
    }

    private static Long number(String part) {
        if (part.isEmpty() || part.length() > 12) {
            return null;
        }
        int radix = 10;
        String digits = part;
        if (part.startsWith("0x")) {
            radix = 16;
            digits = part.substring(2);
            if (digits.isEmpty()) {
                return 0L;  // "0x" alone is zero to inet_aton
            }
        } else if (part.length() > 1 && part.startsWith("0")) {
            radix = 8;
            digits = part.substring(1);
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0) {
                return null;
            }
        }
        return Long.parseLong(digits, radix);
    }

    private static InetAddress v4(byte[] bytes) {
        try {
            return Inet4Address.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);  // four bytes are always an address
        }
    }
}
