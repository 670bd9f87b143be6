package io.wecomrelay.llm.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Logs show a media URL's host only: never its path, query (a signature) or userinfo. */
class MediaHostsTest {

    @Test
    void onlyTheHostIsShown() {
        assertThat(MediaHosts.of("https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/a/b?sign=q-sign-algorithm%3Dsha1"))
                .isEqualTo("ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com");
        assertThat(MediaHosts.of("http://user:secret@127.1:8080/x?y")).isEqualTo("127.1");
        assertThat(MediaHosts.of("http://[::ffff:127.0.0.1]:9/x")).isEqualTo("[::ffff:127.0.0.1]");
        assertThat(MediaHosts.of("https://2130706433/")).isEqualTo("2130706433");
    }

    @Test
    void attackerChosenTextIsCutAndDefused() {
        assertThat(MediaHosts.of("not a url")).isEqualTo("-");
        assertThat(MediaHosts.of("file:///etc/passwd")).isEqualTo("-");
        assertThat(MediaHosts.of("http://%0d%0ainjected/x")).doesNotContain("\n", "\r");
        assertThat(MediaHosts.of("https://" + "a".repeat(300) + ".example/")).hasSize(80);
    }
}
