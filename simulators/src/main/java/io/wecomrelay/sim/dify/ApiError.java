package io.wecomrelay.sim.dify;

/** Dify's error envelope {@code {"code","message","status"}}; {@code status} is also the HTTP status. */
record ApiError(int status, String code, String message) {

    static final String INTERNAL_ERROR_MESSAGE = "The server encountered an internal error and was unable to "
            + "complete your request. Either the server is overloaded or there is an error in the application.";

    static ApiError invalidParam(String message) {
        return new ApiError(400, "invalid_param", message);
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, "unauthorized", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }

    static ApiError conversationNotExists() {
        return notFound("Conversation Not Exists.");
    }

    static ApiError tooManyRequests() {
        return new ApiError(429, "too_many_requests", "Too many requests. Please try again later.");
    }

    static ApiError internalServerError() {
        return new ApiError(500, "internal_server_error", INTERNAL_ERROR_MESSAGE);
    }
}
