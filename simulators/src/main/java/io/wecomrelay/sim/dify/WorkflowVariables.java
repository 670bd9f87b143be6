package io.wecomrelay.sim.dify;

import java.util.Objects;

/**
 * The variables of the simulated completion and workflow apps: the input that holds the text to answer (a Dify
 * text generator's {@code query}; a workflow's Start-node variable) and the output of the workflow's End node.
 */
record WorkflowVariables(String query, String output) {

    static final WorkflowVariables DEFAULT = new WorkflowVariables("query", "result");

    WorkflowVariables {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(output, "output");
    }
}
