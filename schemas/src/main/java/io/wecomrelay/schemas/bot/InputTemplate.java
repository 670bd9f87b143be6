package io.wecomrelay.schemas.bot;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The value of one Dify input: a literal, or a template such as {@code wecom-{chat_type}-{user_id}} over the
 * {@link InputVariable}s. {@code {{} and {@code }}} stand for literal braces. Parsed once when the bots file
 * is loaded ({@link #parse}), so a typo fails the load instead of a reply.
 */
public final class InputTemplate {

    /** Longest template text; Dify's own text inputs are far shorter. */
    public static final int MAX_LENGTH = 1024;

    private sealed interface Part permits Literal, Variable {
    }

    private record Literal(String text) implements Part {
        @Override
        public String toString() {
            return "Literal[<" + text.length() + " chars>]";
        }
    }

    private record Variable(InputVariable variable) implements Part {
    }

    private final String source;
    private final List<Part> parts;

    private InputTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    /**
     * @throws IllegalArgumentException naming the problem (an unknown name, an unclosed brace), never the
     *                                  template's text beyond the offending name
     */
    public static InputTemplate parse(String source) {
        Objects.requireNonNull(source, "source");
        if (source.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("is longer than " + MAX_LENGTH + " characters");
        }
        var parts = new ArrayList<Part>();
        var literal = new StringBuilder();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < source.length() && source.charAt(i + 1) == c) {
                literal.append(c);
                i += 2;
            } else if (c == '}') {
                throw new IllegalArgumentException("has a '}' without its '{' (write }} for a literal brace)");
            } else if (c == '{') {
                int close = source.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("has a '{' without its '}' (write {{ for a literal brace)");
                }
                String name = source.substring(i + 1, close);
                var variable = InputVariable.fromTemplateName(name).orElseThrow(() -> new IllegalArgumentException(
                        "uses unknown template name {" + shown(name) + "} (known: "
                                + String.join(", ", InputVariable.templateNames()) + ")"));
                if (!literal.isEmpty()) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Variable(variable));
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new InputTemplate(source, parts);
    }

    /** The value for one message; {@code values} gives each variable's value (never null). */
    public String render(Function<InputVariable, String> values) {
        var out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.append(literal.text());
            } else if (part instanceof Variable variable) {
                out.append(values.apply(variable.variable()));
            }
        }
        return out.toString();
    }

    /** The template as written in the bots file. */
    public String source() {
        return source;
    }

    /** A name from the file may be a pasted secret: shown only when it is short and looks like a name. */
    private static String shown(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,32}") ? name : "<" + name.length() + " characters, not shown>";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputTemplate template && template.source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    // a literal may come from a ${NAME} reference to a secret: the text stays out of logs
    @Override
    public String toString() {
        return "InputTemplate[<" + source.length() + " chars>, variables=" + parts.stream()
                .filter(Variable.class::isInstance).map(p -> ((Variable) p).variable().templateName()).toList() + "]";
    }
}
