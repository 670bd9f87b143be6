package io.wecomrelay.responder.materialize;

import java.util.Objects;

/** What became of one fold of a batch ({@link StreamStateWriter#foldAll}). */
public sealed interface FoldOutcome {

    /** Redis ran the fold; {@code result} says whether it changed anything. */
    record Folded(FoldResult result) implements FoldOutcome {
        public Folded {
            Objects.requireNonNull(result, "result");
        }
    }

    /** The fold failed (e.g. Redis unreachable); its conversation's later folds of the batch were not tried. */
    record Failed(Throwable cause) implements FoldOutcome {
        public Failed {
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * Not tried because an earlier fold of the same conversation in the batch failed: trying it would fold a
     * later chunk ahead of an earlier one, and the earlier one, retried, would then be a duplicate (or, of
     * another stream, be queued for delivery after a later reply).
     */
    record NotTried() implements FoldOutcome {
    }
}
