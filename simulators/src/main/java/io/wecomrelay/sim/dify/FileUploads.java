package io.wecomrelay.sim.dify;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Uploaded files by id. Like Dify, a file can be referenced only with the app key and {@code user}
 * that uploaded it. Kept apart from the bounded request log, so that a file stays referenceable
 * while the log rolls over; cleared by {@link DifySimulator#reset()}.
 */
final class FileUploads {

    private record Owned(String apiKey, RecordedUpload upload) {
    }

    private final Map<String, Owned> byId = new ConcurrentHashMap<>();

    void add(String apiKey, RecordedUpload upload) {
        byId.put(upload.id(), new Owned(apiKey, upload));
    }

    /** The upload if it exists and belongs to this key and user. */
    Optional<RecordedUpload> visible(String id, String apiKey, String user) {
        var owned = byId.get(id);
        return owned != null && owned.apiKey().equals(apiKey) && owned.upload().user().equals(user)
                ? Optional.of(owned.upload()) : Optional.empty();
    }

    Optional<RecordedUpload> find(String id) {
        return Optional.ofNullable(byId.get(id)).map(Owned::upload);
    }

    void clear() {
        byId.clear();
    }
}
