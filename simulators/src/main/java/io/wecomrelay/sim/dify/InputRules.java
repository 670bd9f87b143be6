package io.wecomrelay.sim.dify;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;

/**
 * The input variables the simulated app declares as required, and the checks some of them must pass (a token the
 * company's auth service issued, say). Checked like Dify: a required input that is absent or blank is
 * {@code 400 invalid_param "<name> is required in input form"}; one whose check fails is {@code 401 unauthorized},
 * standing for an app (or the gateway in front of it) that turns a stale credential down. Immutable.
 */
record InputRules(Set<String> required, Map<String, Predicate<String>> checks) {

    static final InputRules NONE = new InputRules(Set.of(), Map.of());

    InputRules {
        required = Set.copyOf(required);
        checks = Map.copyOf(checks);
    }

    InputRules requiring(Set<String> names) {
        return new InputRules(names, checks);
    }

    InputRules checking(String name, Predicate<String> accepted) {
        var more = new LinkedHashMap<>(checks);
        more.put(name, accepted);
        return new InputRules(required, more);
    }

    void check(JsonNode inputs) {
        for (String name : required) {
            JsonNode value = inputs.path(name);
            if (!value.isString() || value.stringValue().isBlank()) {
                throw new ApiErrorException(ApiError.invalidParam(name + " is required in input form"));
            }
        }
        checks.forEach((name, accepted) -> {
            JsonNode value = inputs.path(name);
            if (value.isString() && !accepted.test(value.stringValue())) {
                // never the value: it is a credential
                throw new ApiErrorException(ApiError.unauthorized("Input " + name + " was not accepted."));
            }
        });
    }
}
