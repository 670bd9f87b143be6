package io.wecomrelay.schemas.outbound;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundPolicyTest {

    private final OutboundPolicy policy = OutboundPolicy.of(List.of(
            "qyapi.weixin.qq.com", "media.example.com:8443", "http://127.0.0.1:18080"));

    @ParameterizedTest
    @ValueSource(strings = {
            "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=abc",
            "https://QYAPI.weixin.qq.com./cgi-bin/aibot/response",
            "https://qyapi.weixin.qq.com:443/x",
            "https://media.example.com:8443/file?sign=1",
            "http://127.0.0.1:18080/media/1"})
    void listedHostsAreAllowed(String url) {
        assertThat(policy.check(url).isAllowed()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
            "http://qyapi.weixin.qq.com/x, not_https",
            "ftp://qyapi.weixin.qq.com/x, not_https",
            "file:///etc/passwd, malformed",
            "gopher://qyapi.weixin.qq.com:70/_x, not_https",
            "https://qyapi.weixin.qq.com:8443/x, host_not_allowed",
            "https://evil.example.com/x, host_not_allowed",
            "https://qyapi.weixin.qq.com.evil.example.com/x, host_not_allowed",
            "https://media.example.com/x, host_not_allowed",
            "https://127.0.0.1:18080/x, forbidden_address",
            "http://127.0.0.1:18081/x, forbidden_address",
            "http://localhost:18080/x, not_https",
            "https://qyapi.weixin.qq.com@10.0.0.1/x, malformed",
            "https://user:pw@qyapi.weixin.qq.com/x, malformed",
            "https:qyapi.weixin.qq.com, malformed",
            "//qyapi.weixin.qq.com/x, malformed",
            "/cgi-bin/aibot/response, malformed"})
    void unlistedOrOddUrlsAreRefusedWithAReason(String url, String code) {
        OutboundVerdict verdict = policy.check(url);
        assertThat(verdict.isAllowed()).isFalse();
        assertThat(verdict.code()).isEqualTo(code);
    }

    /** Every spelling of an internal address is refused, whatever the allow-list holds for names. */
    @ParameterizedTest
    @ValueSource(strings = {
            "https://2130706433/", "https://0177.0.0.1/", "https://0x7f.0.0.1/", "https://0x7f000001/",
            "https://127.1/", "https://127.0.1/", "https://[::1]/", "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:7f00:1]/", "https://[0:0:0:0:0:ffff:a9fe:a9fe]/", "https://169.254.169.254/latest/meta-data/",
            "https://[fd00:ec2::254]/", "https://100.100.100.200/", "https://10.0.0.1/", "https://172.16.0.1/",
            "https://192.168.1.1/", "https://0.0.0.0/", "https://[::]/", "https://224.0.0.1/", "https://[fe80::1]/",
            "https://100.64.0.1/", "https://[64:ff9b::7f00:1]/", "https://[2002:7f00:1::]/", "https://0/",
            "https://017700000001/", "https://255.255.255.255/"})
    void internalAddressesInEverySpellingAreRefused(String url) {
        OutboundVerdict verdict = policy.check(url);
        assertThat(verdict.isAllowed()).as(url).isFalse();
        assertThat(verdict.code()).as(url).isEqualTo("forbidden_address");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://qyapi.weixin.qq.com/x y", "https://qyapi.weixin.qq.com\\@10.0.0.1/", "https://qyapi.weixin.qq.com/\n",
            "https://qyäpi.weixin.qq.com/", " https://qyapi.weixin.qq.com/", "https://qyapi.weixin.qq.com/\t", ""})
    void whitespaceBackslashesAndNonAsciiAreMalformed(String url) {
        assertThat(policy.check(url).code()).isEqualTo("malformed");
    }

    @Test
    void overlongUrlsAreRefusedUnread() {
        String url = "https://qyapi.weixin.qq.com/?" + "a".repeat(OutboundPolicy.MAX_URL_LENGTH);
        assertThat(policy.check(url).code()).isEqualTo("malformed");
        assertThat(policy.check(null).code()).isEqualTo("malformed");
    }

    @Test
    void connectionsToInternalAddressesNeedAnExactLiteralEntry() throws Exception {
        assertThat(policy.permitsConnection(InetAddress.getByName("127.0.0.1"), 18080)).isTrue();
        assertThat(policy.permitsConnection(InetAddress.getByName("127.0.0.1"), 18081)).isFalse();
        assertThat(policy.permitsConnection(InetAddress.getByName("127.0.0.2"), 18080)).isFalse();
        assertThat(policy.permitsConnection(InetAddress.getByName("::1"), 18080)).isFalse();
        assertThat(policy.permitsConnection(InetAddress.getByName("10.1.2.3"), 443)).isFalse();
        assertThat(policy.permitsConnection(InetAddress.getByName("101.91.40.1"), 443)).isTrue();
    }

    @Test
    void theVerdictNeverShowsTheQuery() {
        OutboundVerdict verdict = policy.check("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=SECRET");
        assertThat(verdict.toString()).doesNotContain("SECRET").contains("qyapi.weixin.qq.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*.weixin.qq.com", "http://127.0.0.1", "a/b", "user@host", "host:port", "host:70000"})
    void badEntriesAreRefusedAtConfiguration(String entry) {
        assertThatThrownBy(() -> OutboundPolicy.of(List.of(entry))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWecomDefaultsParse() {
        OutboundPolicy defaults = OutboundPolicy.of(OutboundPolicy.WECOM_HOSTS);
        assertThat(defaults.check("https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/x?sign=1").isAllowed()).isTrue();
        assertThat(defaults.check("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=1").isAllowed()).isTrue();
    }
}
