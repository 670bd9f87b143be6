package io.wecomrelay.sim.dify;

/** Ends request handling with a Dify JSON error; thrown by validation, caught by the handlers. */
final class ApiErrorException extends RuntimeException {

    private final ApiError error;

    ApiErrorException(ApiError error) {
        super(error.code() + ": " + error.message(), null, false, false);
        this.error = error;
    }

    ApiError error() {
        return error;
    }
}
