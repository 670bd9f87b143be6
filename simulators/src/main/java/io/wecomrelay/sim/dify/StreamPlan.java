package io.wecomrelay.sim.dify;

import tools.jackson.databind.JsonNode;

/**
 * What a stream is about: its settings, the full answer text, the request's {@code inputs} (echoed
 * by CHATFLOW) and the base URL under which this simulator serves generated files.
 */
record StreamPlan(StreamSettings settings, String query, String answer, JsonNode inputs, String filesBaseUrl) {

    StreamPlan {
        inputs = inputs.deepCopy();
    }
}
