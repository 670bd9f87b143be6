package io.wecomrelay.ingress.responseurl;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * IP literals in a URL host, in every spelling that URL parsers and resolvers accept (so {@code 2130706433},
 * {@code 0177.0.0.1}, {@code 0x7f.1} and {@code 127.1} are all 127.0.0.1), and whether an address is one that
 * an outbound request must never reach. Nothing here resolves a name.
 */
final class AddressLiterals {

    /** Thrown for a host that is spelled like an IP literal but is not a valid one. */
    static final class InvalidLiteral extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidLiteral() {
            super(null, null, false, false);
        }
    }

    private AddressLiterals() {
    }

    /**
     * The address a lower-case host spells: 4 bytes, 16 bytes, or null when the host is a name. A host whose
     * last label is a number is an IPv4 literal (as WHATWG URL parsers decide), so {@code 1.2.3.256} is invalid,
     * not a name.
     */
    static byte @Nullable [] parse(String host) throws InvalidLiteral {
        if (host.startsWith("[") && host.endsWith("]")) {
            return ipv6(host.substring(1, host.length() - 1));
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] labels = name.split("\\.", -1);
        if (!isNumber(labels[labels.length - 1])) {
            return null;
        }
        return ipv4(labels);
    }

    /** True for addresses no outbound request may reach, IPv4 embedded in IPv6 included. */
    static boolean forbidden(byte[] address) {
        return address.length == 4 ? forbiddenV4(address) : forbiddenV6(address);
    }

    private static boolean forbiddenV4(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        return first == 0                                      // "this network", 0.0.0.0 unspecified
                || first == 10                                 // private
                || first == 127                                // loopback
                || first == 100 && (second & 0xc0) == 64       // CGNAT 100.64/10 (also Alibaba's metadata 100.100.100.200)
                || first == 169 && second == 254               // link-local, cloud metadata 169.254.169.254
                || first == 172 && (second & 0xf0) == 16       // private 172.16/12
                || first == 192 && second == 168               // private
                || first == 192 && second == 0 && (a[2] == 0 || a[2] == 2) // IETF protocol assignments, TEST-NET-1
                || first == 198 && (second & 0xfe) == 18       // benchmarking 198.18/15
                || first == 198 && second == 51 && (a[2] & 0xff) == 100    // TEST-NET-2
                || first == 203 && second == 0 && (a[2] & 0xff) == 113     // TEST-NET-3
                || first >= 224;                               // multicast, reserved, broadcast
    }

    private static boolean forbiddenV6(byte[] a) {
        if (zeros(a, 0, 10) && (a[10] & a[11] & 0xff) == 0xff) {
            return forbiddenV4(Arrays.copyOfRange(a, 12, 16)); // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (zeros(a, 0, 12)) {
            return forbiddenV4(Arrays.copyOfRange(a, 12, 16)); // ::a.b.c.d (compatible), :: and ::1 included
        }
        int first = a[0] & 0xff;
        int word0 = (first << 8) | (a[1] & 0xff);
        int word1 = ((a[2] & 0xff) << 8) | (a[3] & 0xff);
        if (word0 == 0x0064 && word1 == 0xff9b) {
            return !zeros(a, 4, 12) || forbiddenV4(Arrays.copyOfRange(a, 12, 16)); // NAT64, well-known and local-use
        }
        if (word0 == 0x2002) {
            return forbiddenV4(Arrays.copyOfRange(a, 2, 6));                       // 6to4
        }
        return word0 == 0x2001 && (word1 == 0 || word1 == 0x0db8)                  // Teredo, documentation
                || word0 == 0x0100 && zeros(a, 2, 8)                               // discard-only 100::/64
                || (first & 0xfe) == 0xfc                                          // unique local fc00::/7 (AWS fd00:ec2::254)
                || first == 0xfe && (a[1] & 0xc0) >= 0x80                          // link-local fe80::/10, site-local fec0::/10
                || first == 0xff;                                                  // multicast
    }

    private static byte[] ipv4(String[] labels) throws InvalidLiteral {
        if (labels.length > 4) {
            throw new InvalidLiteral();
        }
        long[] parts = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            parts[i] = number(labels[i]);
            if (i < labels.length - 1 && parts[i] > 255) {
                throw new InvalidLiteral();
            }
        }
        // the last part fills all the bytes the others left: 127.1 is 127.0.0.1, 2130706433 is 127.0.0.1
        long value = parts[labels.length - 1];
        if (value >= 1L << (8 * (5 - labels.length))) {
            throw new InvalidLiteral();
        }
        for (int i = 0; i < labels.length - 1; i++) {
            value |= parts[i] << (8 * (3 - i));
        }
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static boolean isNumber(String label) {
        return !label.isEmpty() && (label.chars().allMatch(c -> c >= '0' && c <= '9') || label.startsWith("0x")
                && label.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0));
    }

    /** Decimal, octal with a leading 0, hex with 0x; at most 32 bits. */
    private static long number(String label) throws InvalidLiteral {
        if (!isNumber(label) || label.length() > 12) {
            throw new InvalidLiteral();
        }
        try {
            if (label.startsWith("0x")) {
                return label.length() == 2 ? 0 : Long.parseLong(label.substring(2), 16);
            }
            return label.length() > 1 && label.startsWith("0") ? Long.parseLong(label, 8) : Long.parseLong(label);
        } catch (NumberFormatException e) { // an 8 or 9 in an octal label
            throw new InvalidLiteral();
        }
    }

    /** RFC 4291 text forms: hex groups, one "::", an optional dotted IPv4 tail; no zone id. */
    private static byte[] ipv6(String text) throws InvalidLiteral {
        if (text.isEmpty() || !text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            throw new InvalidLiteral();
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw new InvalidLiteral();
        }
        byte[] head = groups(gap < 0 ? text : text.substring(0, gap), gap < 0);
        byte[] tail = gap < 0 ? new byte[0] : groups(text.substring(gap + 2), true);
        if (gap < 0 ? head.length != 16 : head.length + tail.length > 14) {
            throw new InvalidLiteral();
        }
        byte[] address = new byte[16];
        System.arraycopy(head, 0, address, 0, head.length);
        System.arraycopy(tail, 0, address, 16 - tail.length, tail.length);
        return address;
    }

    /** The bytes of colon-separated groups; only the last group of the address may be a dotted IPv4. */
    private static byte[] groups(String text, boolean mayEndInIpv4) throws InvalidLiteral {
        if (text.isEmpty()) {
            return new byte[0];
        }
        String[] groups = text.split(":", -1);
        byte[] out = new byte[groups.length * 2 + 2];
        int length = 0;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            if (group.contains(".") && mayEndInIpv4 && i == groups.length - 1) {
                byte[] v4 = dottedQuad(group);
                System.arraycopy(v4, 0, out, length, 4);
                length += 4;
            } else if (!group.isEmpty() && group.length() <= 4 && !group.contains(".")) {
                int value = Integer.parseInt(group, 16);
                out[length++] = (byte) (value >>> 8);
                out[length++] = (byte) value;
            } else {
                throw new InvalidLiteral();
            }
        }
        return Arrays.copyOf(out, length);
    }

    /** Inside IPv6 only the plain a.b.c.d form is valid. */
    private static byte[] dottedQuad(String text) throws InvalidLiteral {
        String[] labels = text.split("\\.", -1);
        if (labels.length != 4) {
            throw new InvalidLiteral();
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String label = labels[i];
            if (label.isEmpty() || label.length() > 3 || !label.chars().allMatch(c -> c >= '0' && c <= '9')
                    || label.length() > 1 && label.startsWith("0") || Integer.parseInt(label) > 255) {
                throw new InvalidLiteral();
            }
            out[i] = (byte) Integer.parseInt(label);
        }
        return out;
    }

    private static boolean zeros(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
