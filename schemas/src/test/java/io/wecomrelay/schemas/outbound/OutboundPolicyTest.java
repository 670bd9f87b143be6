package io.wecomrelay.schemas.outbound;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Random;

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

    @Test
    void theRefusalWithoutAUriIsCheckSAlways() {
        // refusal() judges a listed prefix followed by plain characters unparsed; anything else must still be check()'s
        var mixed = OutboundPolicy.of(List.of("qyapi.weixin.qq.com", "media.example.com:8443", "http://127.0.0.1:18080",
                "https://[2001:db8::1]", "host_with_underscore.example", "example.org:443"));
        List<String> starts = List.of("https://qyapi.weixin.qq.com/", "https://qyapi.weixin.qq.com", "https://QYAPI.weixin.qq.com/",
                "https://qyapi.weixin.qq.com:443/", "https://qyapi.weixin.qq.com./", "http://qyapi.weixin.qq.com/",
                "https://media.example.com:8443/", "https://media.example.com/", "http://127.0.0.1:18080/",
                "https://127.0.0.1:18080/", "https://[2001:db8::1]/", "https://host_with_underscore.example/",
                "https://example.org/", "https://qyapi.weixin.qq.com.evil.example/", "");
        String alphabet = "aZ09-._~/?=&@#%:;+,!*'()[]\\ \t\n|{}^`\"<>ä中";
        var random = new Random(22);
        for (int i = 0; i < 20_000; i++) {
            var url = new StringBuilder(starts.get(random.nextInt(starts.size())));
            for (int n = random.nextInt(12); n > 0; n--) {
                // mostly plain characters, as WeCom's URLs are, with a hostile one now and then
                url.append(random.nextInt(4) > 0 ? "cgi-bin/aibot/response?response_code=Ab_9".charAt(random.nextInt(41))
                        : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = url.toString();
            assertThat(mixed.refusal(candidate)).as(candidate).isEqualTo(Optional.ofNullable(mixed.check(candidate).refusal()));
        }
        assertThat(mixed.refusal("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=abc")).isEmpty();
        assertThat(mixed.refusal("https://qyapi.weixin.qq.com@10.0.0.1/x")).contains(Refusal.MALFORMED);
        assertThat(mixed.refusal("https://host_with_underscore.example/x")).contains(Refusal.MALFORMED);
        assertThat(mixed.refusal(null)).contains(Refusal.MALFORMED);
        assertThat(mixed.refusal("https://qyapi.weixin.qq.com/?" + "a".repeat(OutboundPolicy.MAX_URL_LENGTH)))
                .contains(Refusal.MALFORMED);
    }
}
