package io.wecomrelay.schemas.outbound;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What a bot owner can sign into a callback as its response_url or a media URL. */
class HostileUrlTest {

    private final OutboundPolicy policy = OutboundPolicy.of(List.of("qyapi.weixin.qq.com", "http://127.0.0.1:5001"));

    @ParameterizedTest
    @ValueSource(strings = {
            "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC_TEXT",
            "HTTPS://QYAPI.WEIXIN.QQ.COM/cgi-bin/aibot/response?response_code=x",
            "https://qyapi.weixin.qq.com:443/cgi-bin/aibot/response",
            "https://qyapi.weixin.qq.com",
            "http://127.0.0.1:5001/cgi-bin/aibot/response?response_code=local-simulator"})
    void allowListedOriginsAreAllowed(String url) {
        assertThat(policy.check(url).isAllowed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://127.0.0.1/", "https://127.1/", "https://2130706433/", "https://0177.0.0.1/", "https://0x7f.0.0.1/",
            "https://0x7f000001/", "https://017700000001/", "https://127.0.0.1./", "https://0/", "https://0.0.0.0/",
            "https://10.0.0.1/", "https://172.16.5.4/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/", "https://100.100.100.200/", "https://224.0.0.1/", "https://255.255.255.255/",
            "https://[::1]/", "https://[::]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/",
            "https://[0:0:0:0:0:ffff:169.254.169.254]/", "https://[::127.0.0.1]/", "https://[64:ff9b::a9fe:a9fe]/",
            "https://[2002:7f00:1::]/", "https://[fe80::1]/", "https://[fd00:ec2::254]/", "https://[fc00::1]/",
            "https://[ff02::1]/", "https://[2001:db8::1]/", "https://[::1]:443/", "http://127.0.0.1:5002/",
            "http://[::1]/"})
    void ipLiteralsOfInternalAddressesAreForbiddenInAnySpelling(String url) {
        assertThat(policy.check(url).refusal()).as(url).isEqualTo(Refusal.FORBIDDEN_ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://8.8.8.8/", "https://[2001:4860:4860::8888]/", "https://qyapi.weixin.qq.com.evil.example/",
            "https://evilqyapi.weixin.qq.com/", "https://qyapi.weixin.qq.com:8443/",
            "https://example.com/?host=qyapi.weixin.qq.com", "https://localhost/"})
    void otherHostsAreNotAllowed(String url) {
        assertThat(policy.check(url).refusal()).as(url).isEqualTo(Refusal.HOST_NOT_ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://qyapi.weixin.qq.com/cgi-bin/aibot/response", "ftp://qyapi.weixin.qq.com/",
            "gopher://qyapi.weixin.qq.com:70/"})
    void otherSchemesAreNotHttps(String url) {
        assertThat(policy.check(url).refusal()).as(url).isEqualTo(Refusal.NOT_HTTPS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "javascript:alert(1)", "file:///etc/passwd",
            "https://qyapi.weixin.qq.com@10.0.0.1/", "https://user:pass@qyapi.weixin.qq.com/",
            "https://qyapi.weixin.qq.com\\@evil.example/", "https:\\\\qyapi.weixin.qq.com/", "https://qyapi.weixin.qq.com\\x/",
            " https://qyapi.weixin.qq.com/", "https://qyapi.weixin.qq.com/\n", "https://qyapi.weixin.qq.com/a b",
            "https://qyapi\t.weixin.qq.com/", "https://qyapi.weixin.qq.com\u3002evil/", "https://ｑyapi.weixin.qq.com/",
            "https://qyapi.weixin.qq.com\u0000/", "https://%71yapi.weixin.qq.com/",
            "https://qyapi.weixin.qq.com:99999/", "https://qyapi.weixin.qq.com:0/", "https://qyapi.weixin.qq.com:44a/",
            "https:///cgi-bin", "https:qyapi.weixin.qq.com", "//qyapi.weixin.qq.com/", "qyapi.weixin.qq.com/x", "",
            "https://1.2.3.256/", "https://1.2.3.4.5/", "https://09.1.1.1/", "https://4294967296/", "https://[::1/",
            "https://[::1::2]/", "https://[fe80::1%25eth0]/", "https://[1:2:3:4:5:6:7:8:9]/", "https://a_b.example/",
            "https://-qyapi.weixin.qq.com/"})
    void anythingButAPlainAbsoluteUrlOfAListedHostIsRefused(String url) {
        assertThat(policy.check(url).isAllowed()).as(url).isFalse();
    }

    @Test
    void aVeryLongUrlIsMalformed() {
        assertThat(policy.check("https://qyapi.weixin.qq.com/?" + "a".repeat(OutboundPolicy.MAX_URL_LENGTH)).refusal())
                .isEqualTo(Refusal.MALFORMED);
    }
}
