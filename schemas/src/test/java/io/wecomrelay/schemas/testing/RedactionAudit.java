package io.wecomrelay.schemas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.wecomrelay.schemas.wecom.WecomJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Checks that records print no sensitive data: every record of a module's packages is built by reflection with
 * a distinct marker in every string (nested records, lists, maps and JSON included), and a marker planted under a
 * component that is classified sensitive (at any depth) must not appear in the record's {@code toString()}.
 * Components named like sensitive data must be classified explicitly, so a new record that holds text, a URL or
 * a key fails the audit until someone decides. Classifications are keys {@code "the.Record.component"} with the
 * record's full name (nested classes joined with dots), e.g. {@code "io.wecomrelay.schemas.event.InboundMessage.body"},
 * so a module's audit can reuse the classification of the {@code schemas} records it nests ({@link SchemasRedaction}).
 */
public final class RedactionAudit {

    /** Component names that need a decision: message text, URLs, credentials, raw payloads. */
    public static final Pattern NEEDS_DECISION = Pattern.compile(
            "(?i).*(text|content|url|key|token|secret|password|body|raw|card|encrypt|echostr|message|image|base64|plaintext).*");

    private final String rootPackage;
    private final List<Class<?>> records;
    private final Map<Class<?>, Function<Marks, @Nullable Object>> factories;
    private final Map<String, Function<Marks, @Nullable Object>> overrides;

    /**
     * @param rootPackage the audited package and its sub-packages
     * @param anchor      any class of the module's main code: the records are found in the build output it was
     *                    loaded from, so test classes are not audited
     * @param factories how to build component types that are neither records nor common JDK/Jackson types
     * @param overrides values for single components (by key) whose constructor check a marker would fail
     */
    public RedactionAudit(String rootPackage, Class<?> anchor, Map<Class<?>, Function<Marks, @Nullable Object>> factories,
                          Map<String, Function<Marks, @Nullable Object>> overrides) {
        this.rootPackage = rootPackage;
        this.records = recordsUnder(rootPackage, anchor);
        this.factories = Map.copyOf(factories);
        this.overrides = Map.copyOf(overrides);
    }

    public List<Class<?>> records() {
        return records;
    }

    /** Components named like sensitive data that are in neither list, and list entries that name no component. */
    public List<String> undecided(Set<String> sensitive, Set<String> shown) {
        var problems = new ArrayList<String>();
        var all = new TreeSet<String>();
        for (Class<?> record : records) {
            for (RecordComponent component : record.getRecordComponents()) {
                String key = key(record, component.getName());
                all.add(key);
                if (NEEDS_DECISION.matcher(component.getName()).matches() && !sensitive.contains(key) && !shown.contains(key)) {
                    problems.add("no decision for " + key + ": add it to the sensitive or the shown list");
                }
            }
        }
        Stream.concat(sensitive.stream(), shown.stream())
                .filter(key -> key.startsWith(rootPackage + ".") && !all.contains(key))
                .forEach(key -> problems.add("classified but not a record component: " + key));
        return problems;
    }

    /** Every sensitive marker that a record's {@code toString()} shows, as "Record.toString() shows key". */
    public List<String> leaks(Set<String> sensitive) {
        var problems = new ArrayList<String>();
        for (Class<?> record : records) {
            var marks = new Marks();
            Object instance = build(record, marks, List.of());
            String printed = instance.toString();
            marks.planted.forEach((marker, path) -> {
                if (path.stream().anyMatch(sensitive::contains) && printed.contains(marker)) {
                    problems.add(record.getSimpleName() + ".toString() shows " + path);
                }
            });
        }
        return problems;
    }

    /** Hands out markers and remembers under which component path each was planted. */
    public static final class Marks {

        /** Prefix of keys that name a field of a non-record (e.g. a class built by a factory). */
        public static final String EXTRA = "extra:";

        private final Map<String, List<String>> planted = new HashMap<>();
        private List<String> path = List.of();

        /**
         * A fresh marker (letters and digits) planted under the current component path plus {@code EXTRA + extraKey}:
         * for factories that put markers into fields of a class that is not a record.
         */
        public String mark(String extraKey) {
            var where = new ArrayList<>(path);
            where.add(EXTRA + extraKey);
            return plant(where);
        }

        /** Fixed width, so that no marker is a prefix of another. */
        private String plant(List<String> where) {
            String marker = "Mk%06dZ".formatted(planted.size());
            planted.put(marker, List.copyOf(where));
            return marker;
        }
    }

    private Object build(Class<?> record, Marks marks, List<String> path) {
        RecordComponent[] components = record.getRecordComponents();
        @Nullable Object[] arguments = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            String key = key(record, components[i].getName());
            var where = new ArrayList<>(path);
            where.add(key);
            Function<Marks, @Nullable Object> override = overrides.get(key);
            arguments[i] = override != null ? within(where, marks, override)
                    : value(components[i].getType(), components[i].getGenericType(), marks, where);
        }
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<?> constructor = record.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot build " + record.getName() + " from markers (add a factory): "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + record.getName(), e);
        }
    }

    private static @Nullable Object within(List<String> where, Marks marks, Function<Marks, @Nullable Object> make) {
        List<String> saved = marks.path;
        marks.path = where;
        try {
            return make.apply(marks);
        } finally {
            marks.path = saved;
        }
    }

    private Object value(Class<?> type, Type generic, Marks marks, List<String> where) {
        Function<Marks, @Nullable Object> factory = factories.get(type);
        if (factory != null) {
            return java.util.Objects.requireNonNull(within(where, marks, factory), type.getName());
        }
        if (type == String.class) {
            return marks.plant(where);
        }
        if (type == boolean.class || type == Boolean.class) {
            return true;
        }
        if (type == int.class || type == Integer.class) {
            return 1;
        }
        if (type == long.class || type == Long.class) {
            return 1L;
        }
        if (type == short.class || type == Short.class) {
            return (short) 1;
        }
        if (type == byte[].class) {
            return marks.plant(where).getBytes(StandardCharsets.UTF_8);
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        if (type == Instant.class) {
            return Instant.EPOCH;
        }
        if (type == Duration.class) {
            return Duration.ofSeconds(1);
        }
        if (type == UUID.class) {
            return new UUID(1, 2);
        }
        if (type == URI.class) {
            return URI.create("https://example.com/" + marks.plant(where));
        }
        if (type == Path.class) {
            return Path.of(marks.plant(where));
        }
        if (JsonNode.class.isAssignableFrom(type)) {
            return WecomJson.mapper().createObjectNode().put("m", marks.plant(where));
        }
        if (type == List.class) {
            return elements(typeArgument(generic, 0), marks, where);
        }
        if (type == Set.class) {
            return Set.copyOf(elements(typeArgument(generic, 0), marks, where));
        }
        if (type == Map.class) {
            Type keyType = typeArgument(generic, 0);
            return Map.of(value(raw(keyType), keyType, marks, where),
                    value(raw(typeArgument(generic, 1)), typeArgument(generic, 1), marks, where));
        }
        if (type.isRecord()) {
            return build(type, marks, where);
        }
        if (type.isSealed()) {
            return value(type.getPermittedSubclasses()[0], type.getPermittedSubclasses()[0], marks, where);
        }
        throw new IllegalStateException("no way to build a " + type.getName() + " at " + where + ": add a factory");
    }

    /** One element of each permitted kind for a sealed element type, otherwise one element. */
    private List<Object> elements(Type elementType, Marks marks, List<String> where) {
        Class<?> raw = raw(elementType);
        if (raw.isSealed() && !raw.isEnum()) {
            return Arrays.stream(raw.getPermittedSubclasses()).map(kind -> value(kind, kind, marks, where)).toList();
        }
        return List.of(value(raw, elementType, marks, where));
    }

    private static Type typeArgument(Type generic, int index) {
        if (generic instanceof ParameterizedType parameterized) {
            return parameterized.getActualTypeArguments()[index];
        }
        return String.class;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return type instanceof Class<?> plain ? plain : Object.class;
    }

    /** The classification key of a component, e.g. {@code io.wecomrelay.schemas.event.InboundMessage.body}. */
    public static String key(Class<?> record, String component) {
        return record.getName().replace('$', '.') + "." + component;
    }

    /** Record classes under {@code rootPackage} in the class-path entry (directory) that {@code anchor} was loaded from. */
    private static List<Class<?>> recordsUnder(String rootPackage, Class<?> anchor) {
        Path root;
        try {
            root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("audit the records from the module's own build output, not " + root);
        }
        Path packageDir = root.resolve(rootPackage.replace('.', '/'));
        try (Stream<Path> files = Files.walk(packageDir)) {
            return files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> root.relativize(file).toString().replace(java.io.File.separatorChar, '.'))
                    .map(name -> name.substring(0, name.length() - ".class".length()))
                    .sorted()
                    .<Class<?>>map(RedactionAudit::load)
                    .filter(Class::isRecord)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, RedactionAudit.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
