package io.wecomrelay.support.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DigestUtils;
import org.springframework.data.redis.core.script.RedisScript;

class LuaScriptsTest {

    static final String TEXT = "return tonumber(ARGV[1]) + 1";

    @Test
    void readsTheScriptOnceAndNeverAsksWhetherItChanged() {
        var resource = new CountingResource(TEXT);

        RedisScript<Long> script = LuaScripts.load(resource, Long.class);
        for (int i = 0; i < 100; i++) {
            assertThat(script.getSha1()).isEqualTo(DigestUtils.sha1DigestAsHex(TEXT));
            assertThat(script.getScriptAsString()).isEqualTo(TEXT);
        }

        assertThat(resource.reads).hasValue(1);
        assertThat(resource.timestampChecks).hasValue(0);
    }

    @Test
    void aScriptRunAsAFunctionSeesTheKeysAndArgumentsItIsCalledWith() {
        String location = "io/wecomrelay/support/redis/delete-if-equal.lua";
        // the caller runs the function twice, each time with one key and one argument of the call's own
        RedisScript<List> script = LuaScripts.loadAsFunction(List.class, "deleteIfEqual", List.of(location),
                "io/wecomrelay/support/redis/test-call-twice.lua");

        assertThat(script.getScriptAsString()).startsWith("local function deleteIfEqual(KEYS, ARGV)\n");
        var factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        factory.afterPropertiesSet();
        factory.start();
        try {
            var redis = new StringRedisTemplate(factory);
            String first = "test-lua-a-" + System.nanoTime();
            String second = "test-lua-b-" + System.nanoTime();
            redis.opsForValue().set(first, "mine");
            redis.opsForValue().set(second, "mine");
            assertThat(redis.execute(script, List.of(first, second), "mine", "theirs")).containsExactly(1L, 0L);
            assertThat(redis.hasKey(first)).isFalse();
            assertThat(redis.hasKey(second)).isTrue();
            redis.delete(second);
        } finally {
            factory.destroy();
        }
    }

    @Test
    void aFunctionNameMustBeALuaName() {
        assertThatThrownBy(() -> LuaScripts.loadAsFunction(List.class, "x(KEYS) end; redis.call", List.of(), "any.lua"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadsAScriptFromTheClasspathAndItRuns() throws IOException {
        String location = "io/wecomrelay/support/redis/delete-if-equal.lua";
        RedisScript<Long> script = LuaScripts.load(location, Long.class);

        assertThat(script.getScriptAsString()).isEqualTo(new ClassPathResource(location).getContentAsString(StandardCharsets.UTF_8));
        var factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        factory.afterPropertiesSet();
        factory.start();
        try {
            var redis = new StringRedisTemplate(factory);
            String key = "test-lua-" + System.nanoTime();
            redis.opsForValue().set(key, "mine");
            assertThat(redis.execute(LuaScripts.DELETE_IF_EQUAL, List.of(key), "theirs")).isZero();
            assertThat(redis.execute(script, List.of(key), "mine")).isEqualTo(1L);
            assertThat(redis.hasKey(key)).isFalse();
        } finally {
            factory.destroy();
        }
    }

    @Test
    void failsAtOnceForAMissingScript() {
        assertThatThrownBy(() -> LuaScripts.load("io/wecomrelay/support/no-such.lua", Long.class))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("no-such.lua");
    }

    /** A script file that counts how often it is read and how often its timestamp is asked for. */
    static final class CountingResource extends AbstractResource {

        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger timestampChecks = new AtomicInteger();
        private final byte[] content;

        CountingResource(String text) {
            this.content = text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public InputStream getInputStream() {
            reads.incrementAndGet();
            return new ByteArrayInputStream(content);
        }

        @Override
        public long lastModified() throws FileNotFoundException {
            timestampChecks.incrementAndGet();
            return 0;
        }

        @Override
        public String getDescription() {
            return "counting script";
        }
    }
}
