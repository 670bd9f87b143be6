package io.wecomrelay.responder.materialize;

/** Receives every stream the moment it finishes; must not block the listener thread. */
@FunctionalInterface
public interface FinishedReplyHandler {

    void finished(FinishedReply reply);
}
