package io.wecomrelay.sim.dify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpData;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /v1/files/upload}: a {@code multipart/form-data} body with exactly one file part
 * {@code file} and the form field {@code user}. Answers {@code 201} with
 * {@code {"id","name","size","extension","mime_type","created_by","created_at"}} and records the
 * bytes; Dify's errors otherwise ({@code no_file_uploaded}, {@code too_many_files},
 * {@code filename_not_exists_error}, {@code invalid_param}, {@code 413 file_too_large} with an empty
 * message above {@link #MAX_BYTES}).
 */
final class UploadHandler {

    private static final Logger log = LoggerFactory.getLogger(UploadHandler.class);
    /** Dify's default limit for documents; the simulator uses it for every type. */
    static final long MAX_BYTES = 15L * 1024 * 1024;

    private final SimulatorState state;
    private final JsonReplies replies;

    UploadHandler(SimulatorState state) {
        this.state = state;
        this.replies = new JsonReplies(state.json);
    }

    /** One form part, copied out of Netty's buffers. */
    private record Part(String name, @Nullable String filename, @Nullable String contentType, byte[] bytes) {

        static Part of(HttpData data) {
            try {
                if (data instanceof FileUpload file) {
                    return new Part(file.getName(), file.getFilename(), file.getContentType(), file.get());
                }
                return new Part(data.getName(), null, null, data.get());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean isFile() {
            return filename != null;
        }
    }

    Mono<Void> upload(HttpServerRequest request, HttpServerResponse response) {
        var receivedAt = state.config.clock().instant();
        var authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        String apiKey;
        try {
            apiKey = state.auth.authenticate(authorization);
        } catch (ApiErrorException e) {
            return replies.error(response, e.error());
        }
        if (!request.isMultipart()) {
            return replies.error(response, noFile());
        }
        return request.receiveForm(form -> form.maxInMemorySize(-1))
                .map(Part::of)
                .collectList()
                .flatMap(parts -> {
                    try {
                        var upload = accept(parts, receivedAt, BearerAuth.hint(authorization));
                        state.files.add(apiKey, upload);
                        state.uploads.add(upload);
                        log.debug("upload id={} size={}", upload.id(), upload.size());
                        return replies.send(response, 201, describe(upload));
                    } catch (ApiErrorException e) {
                        return replies.error(response, e.error());
                    }
                })
                .onErrorResume(e -> !(e instanceof ApiErrorException),
                        e -> replies.error(response, ApiError.badRequest("Unreadable multipart body: " + e)));
    }

    private RecordedUpload accept(List<Part> parts, Instant receivedAt, String apiKeyHint) {
        var files = parts.stream().filter(Part::isFile).toList();
        if (files.isEmpty()) throw new ApiErrorException(noFile());
        if (files.size() > 1) throw new ApiErrorException(new ApiError(400, "too_many_files", "Only one file is allowed."));
        var file = files.get(0);
        if (!file.name().equals("file")) throw new ApiErrorException(noFile());
        var user = parts.stream().filter(p -> !p.isFile() && p.name().equals("user")).findFirst()
                .map(p -> new String(p.bytes(), StandardCharsets.UTF_8)).orElse("");
        if (user.isEmpty()) throw new ApiErrorException(ApiError.invalidParam("Arg user must be provided."));
        var name = file.filename();
        if (name == null || name.isEmpty()) {
            throw new ApiErrorException(new ApiError(400, "filename_not_exists_error", "The specified filename does not exist."));
        }
        if (name.contains("/") || name.contains("\\")) {
            throw new ApiErrorException(ApiError.invalidParam("Filename contains invalid characters."));
        }
        if (file.bytes().length > MAX_BYTES) throw new ApiErrorException(new ApiError(413, "file_too_large", ""));
        var mime = file.contentType() == null || file.contentType().isEmpty() ? "application/octet-stream" : file.contentType();
        return new RecordedUpload(receivedAt, apiKeyHint, state.config.ids().get().toString(), user, name,
                file.bytes().length, extension(name), mime, file.bytes());
    }

    private tools.jackson.databind.node.ObjectNode describe(RecordedUpload upload) {
        return state.json.createObjectNode()
                .put("id", upload.id())
                .put("name", upload.name())
                .put("size", upload.size())
                .put("extension", upload.extension())
                .put("mime_type", upload.mimeType())
                // Dify answers with the end user's own id, not the user string
                .put("created_by", UUID.nameUUIDFromBytes(upload.user().getBytes(StandardCharsets.UTF_8)).toString())
                .put("created_at", upload.receivedAt().getEpochSecond());
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static ApiError noFile() {
        return new ApiError(400, "no_file_uploaded", "Please upload your file.");
    }
}
