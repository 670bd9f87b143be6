package io.wecomrelay.responder.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Builds a {@link RedisScript} from a Lua file's text, read once. A script built from a resource
 * instead asks the resource whether it changed on every call (its SHA is checked per EVALSHA), which
 * for a file inside the jar means reading the jar entry's timestamp each time: 13 % of the chunk
 * listener's CPU in the pipeline profile. Scripts never change while the service runs.
 */
public final class LuaScripts {

    private LuaScripts() {
    }

    /** The script at {@code classpathLocation} (no leading slash), e.g. {@code io/wecomrelay/responder/outbox/poll.lua}. */
    public static <T> RedisScript<T> load(String classpathLocation, Class<T> resultType) {
        return load(new ClassPathResource(classpathLocation), resultType);
    }

    /** The script in {@code resource}, read now and never again. */
    public static <T> RedisScript<T> load(Resource resource, Class<T> resultType) {
        try {
            return RedisScript.of(resource.getContentAsString(StandardCharsets.UTF_8), resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Redis script " + resource.getDescription(), e);
        }
    }
}
