package io.wecomrelay.sim.dify;

import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Checks {@code files} of a chat request: every item needs a known {@code type} and either
 * {@code transfer_method: remote_url} with a {@code url}, or {@code transfer_method: local_file}
 * with the {@code upload_file_id} of a file this key and user uploaded. Anything else is
 * {@code 400 invalid_param}, as Dify's file factory raises a {@code ValueError}.
 */
final class FileReferences {

    private static final Set<String> TYPES = Set.of("image", "document", "audio", "video", "custom");

    private FileReferences() {
    }

    /** The number of files referenced; 0 when {@code files} is absent or null. */
    static int check(JsonNode files, String apiKey, String user, FileUploads uploads) {
        if (!files.isArray()) {
            return 0;
        }
        for (JsonNode file : files) {
            var type = file.path("type");
            if (!type.isString() || !TYPES.contains(type.stringValue())) {
                throw invalid("files: type must be one of " + TYPES);
            }
            var method = file.path("transfer_method").isString() ? file.path("transfer_method").stringValue() : "";
            switch (method) {
                case "remote_url" -> {
                    if (!file.path("url").isString() || file.path("url").stringValue().isEmpty()) {
                        throw invalid("files: url is required for remote_url");
                    }
                }
                case "local_file" -> {
                    var id = file.path("upload_file_id");
                    if (!id.isString() || uploads.visible(id.stringValue(), apiKey, user).isEmpty()) {
                        throw invalid("Invalid upload file id.");
                    }
                }
                default -> throw invalid("files: transfer_method must be remote_url or local_file");
            }
        }
        return files.size();
    }

    private static ApiErrorException invalid(String message) {
        return new ApiErrorException(ApiError.invalidParam(message));
    }
}
