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

    /**
     * One script made of several files, in order: a file of shared functions first, then the script that calls them
     * (Redis runs one text per call, so shared Lua is joined here rather than loaded as a library).
     */
    public static <T> RedisScript<T> load(Class<T> resultType, String... classpathLocations) {
        var text = new StringBuilder();
        for (String location : classpathLocations) {
            text.append(read(new ClassPathResource(location))).append('\n');
        }
        return RedisScript.of(text.toString(), resultType);
    }

    /** The script in {@code resource}, read now and never again. */
    public static <T> RedisScript<T> load(Resource resource, Class<T> resultType) {
        return RedisScript.of(read(resource), resultType);
    }

    private static String read(Resource resource) {
        try {
            return resource.getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Redis script " + resource.getDescription(), e);
        }
    }
}
