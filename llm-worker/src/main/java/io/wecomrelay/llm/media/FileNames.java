package io.wecomrelay.llm.media;

import java.util.Locale;
import java.util.Set;

import io.wecomrelay.llm.input.Attachment;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;

/**
 * Names, MIME types and Dify file types for downloaded media. Dify decides by extension what a file
 * is, so every upload gets one: the download's name when it has one, else a name made from the
 * kind (images are recognised by their magic bytes). Pure.
 */
final class FileNames {

    /** Dify's extensions per file type ({@code api/constants/__init__.py}). */
    private static final Set<String> IMAGE = Set.of("jpg", "jpeg", "png", "webp", "gif", "svg");
    private static final Set<String> VIDEO = Set.of("mp4", "mov", "mpeg", "webm");
    private static final Set<String> AUDIO = Set.of("mp3", "m4a", "wav", "amr", "mpga");
    private static final Set<String> DOCUMENT = Set.of("txt", "markdown", "md", "mdx", "pdf", "html", "htm", "xlsx",
            "xls", "vtt", "properties", "doc", "docx", "csv", "eml", "msg", "pptx", "ppt", "xml", "epub");
    private static final int MAX_NAME_CHARS = 200;

    private FileNames() {
    }

    /** A safe filename with an extension: no path, no control characters, at most 200 characters. */
    static String name(Attachment.Kind kind, @Nullable String downloaded, byte[] content) {
        String name = downloaded == null ? "" : clean(downloaded);
        if (name.isEmpty()) {
            name = switch (kind) {
                case IMAGE -> "image";
                case VIDEO -> "video";
                case FILE -> "file";
                case VOICE -> "voice";
            };
        }
        if (extension(name).isEmpty()) {
            name = name + "." + switch (kind) {
                case IMAGE -> imageExtension(content);
                case VIDEO -> "mp4";
                case FILE -> "bin";
                case VOICE -> "amr"; // a self-built app's voice messages are AMR
            };
        }
        return name;
    }

    /** Dify's {@code type} of a file reference: images, videos and voice by kind, files by extension. */
    static String difyType(Attachment.Kind kind, String name) {
        return switch (kind) {
            case IMAGE -> "image";
            case VIDEO -> "video";
            case VOICE -> "audio";
            case FILE -> typeOfExtension(extension(name));
        };
    }

    /** The MIME type for the upload part: from the extension, else the download's, else octet-stream. */
    static String mimeType(String name, @Nullable String downloaded) {
        var byName = MediaTypeFactory.getMediaType(name);
        if (byName.isPresent()) {
            return byName.get().toString();
        }
        if (downloaded != null) {
            try {
                var type = MediaType.parseMediaType(downloaded);
                if (type.isConcrete() && !type.equalsTypeAndSubtype(MediaType.APPLICATION_OCTET_STREAM)) {
                    return type.getType() + "/" + type.getSubtype();
                }
            } catch (IllegalArgumentException e) {
                // not a media type: fall through
            }
        }
        return MediaType.APPLICATION_OCTET_STREAM_VALUE;
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String typeOfExtension(String extension) {
        if (DOCUMENT.contains(extension)) {
            return "document";
        }
        if (IMAGE.contains(extension)) {
            return "image";
        }
        if (AUDIO.contains(extension)) {
            return "audio";
        }
        if (VIDEO.contains(extension)) {
            return "video";
        }
        return "custom";
    }

    private static String clean(String name) {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        var out = new StringBuilder(base.length());
        base.codePoints().filter(c -> !Character.isISOControl(c)).forEach(out::appendCodePoint);
        String cleaned = out.toString().strip();
        if (cleaned.equals(".") || cleaned.equals("..")) {
            return "";
        }
        return cleaned.length() <= MAX_NAME_CHARS ? cleaned : shorten(cleaned);
    }

    /** Keeps a short extension; never cuts a surrogate pair. */
    private static String shorten(String name) {
        String extension = extension(name);
        String suffix = extension.isEmpty() || extension.length() > 16 ? "" : "." + extension;
        int end = MAX_NAME_CHARS - suffix.length();
        if (Character.isHighSurrogate(name.charAt(end - 1))) {
            end--;
        }
        return name.substring(0, end) + suffix;
    }

    private static String imageExtension(byte[] b) {
        if (startsWith(b, 0x89, 'P', 'N', 'G')) {
            return "png";
        }
        if (startsWith(b, 'G', 'I', 'F', '8')) {
            return "gif";
        }
        if (b.length >= 12 && startsWith(b, 'R', 'I', 'F', 'F')
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "webp";
        }
        return "jpg";
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
