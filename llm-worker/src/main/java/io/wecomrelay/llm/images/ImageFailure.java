package io.wecomrelay.llm.images;

/** Why an image was not used; the detail is for logs and never holds a URL's path or query. */
final class ImageFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ImageOutcome outcome;

    ImageFailure(ImageOutcome outcome, String detail) {
        super(detail, null, false, false);
        this.outcome = outcome;
    }

    ImageOutcome outcome() {
        return outcome;
    }
}
