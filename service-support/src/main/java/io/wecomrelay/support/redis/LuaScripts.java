package io.wecomrelay.support.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Builds a {@link RedisScript} from a Lua file's text, read once. A script built from a resource
 * instead asks the resource whether it changed on every call (its SHA is checked per EVALSHA), which
 * for a file inside the jar means reading the jar entry's timestamp each time: 13 % of the chunk
 * listener's CPU in the pipeline profile. Scripts never change while the service runs. Every service loads its
 * scripts here, from files beside the classes that run them (a script shared by two services, with the key layout it
 * works on in {@code schemas}), so that no script text hides in a Java string.
 */
public final class LuaScripts {

    /** Deletes {@code KEYS[1]} only while it holds {@code ARGV[1]} (a lock or token that is still ours); 1 if deleted. */
    public static final RedisScript<Long> DELETE_IF_EQUAL = load("io/wecomrelay/support/redis/delete-if-equal.lua",
            Long.class);

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

    /**
     * One script that runs other files as a function: the files of {@code functionLocations}, joined in order, become
     * the body of {@code local function <functionName>(KEYS, ARGV)}, whose parameters hide the call's own, and the
     * script at {@code callerLocation} follows and calls it, e.g. once per stream with that stream's keys and
     * arguments. So a script's rules exist once, whether it runs alone or many times in one call.
     */
    public static <T> RedisScript<T> loadAsFunction(Class<T> resultType, String functionName, List<String> functionLocations,
                                                    String callerLocation) {
        if (!functionName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a Lua name: " + functionName);
        }
        var text = new StringBuilder("local function ").append(functionName).append("(KEYS, ARGV)\n");
        for (String location : functionLocations) {
            text.append(read(new ClassPathResource(location))).append('\n');
        }
        text.append("end\n").append(read(new ClassPathResource(callerLocation))).append('\n');
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
