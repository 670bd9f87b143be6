package io.wecomrelay.responder;

import java.util.List;

/** The topics the responder made sure exist before its listeners start; {@code created} were missing. */
record ProvisionedTopics(List<String> created) {

    ProvisionedTopics {
        created = List.copyOf(created);
    }
}
