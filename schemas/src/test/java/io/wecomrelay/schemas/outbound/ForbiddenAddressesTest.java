package io.wecomrelay.schemas.outbound;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ForbiddenAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1",
            "169.254.169.254", "169.254.0.23", "100.64.0.1", "100.100.100.200", "100.127.255.255", "0.0.0.0",
            "224.0.0.1", "239.255.255.255", "240.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.1", "192.0.0.192",
            "::1", "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:c0a8:0101::1",
            "fc00::1", "fd00:ec2::254", "fe80::1", "fec0::1", "ff02::1", "2001:db8::1", "2001::1"})
    void internalAndSpecialAddressesAreForbidden(String address) throws Exception {
        assertThat(ForbiddenAddresses.isForbidden(InetAddress.getByName(address))).as(address).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"101.91.40.1", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "100.63.255.255",
            "192.169.0.1", "2400:da00::1", "::ffff:8.8.8.8", "2002:0808:0808::1"})
    void publicAddressesAreNot(String address) throws Exception {
        assertThat(ForbiddenAddresses.isForbidden(InetAddress.getByName(address))).as(address).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "2130706433, 127.0.0.1", "0177.0.0.1, 127.0.0.1", "0x7f.1, 127.0.0.1", "127.1, 127.0.0.1",
            "127.0.1, 127.0.0.1", "0x7f000001, 127.0.0.1", "017700000001, 127.0.0.1", "0, 0.0.0.0",
            "[::1], 0:0:0:0:0:0:0:1", "::ffff:169.254.169.254, 169.254.169.254", "10.0.0.1., 10.0.0.1"})
    void literalsAreReadInEverySpelling(String host, String expected) throws Exception {
        assertThat(ForbiddenAddresses.literal(host)).contains(InetAddress.getByName(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qyapi.weixin.qq.com", "1.2.3.4.5", "256.1.1.1", "0x", "08.1.1.1", "+1.2.3.4", "1..2", "a::b::c"})
    void namesAndNonsenseAreNotLiterals(String host) {
        if (host.equals("0x")) {
            assertThat(ForbiddenAddresses.literal(host)).isPresent();  // inet_aton reads "0x" as 0
            return;
        }
        assertThat(ForbiddenAddresses.literal(host)).as(host).isEmpty();
    }
}
