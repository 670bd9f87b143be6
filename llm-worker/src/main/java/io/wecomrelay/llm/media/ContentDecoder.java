package io.wecomrelay.llm.media;

import io.wecomrelay.schemas.wecom.crypto.MediaDecryption;

/**
 * Turns a download's bytes, as they arrive, into file content: every piece it returns is final content and, but
 * for the last one, at least {@link #MIN_PIECE} bytes long (so the first shows a file's magic bytes). Not
 * thread-safe: one per download.
 */
interface ContentDecoder {

    /** {@link FileNames} recognises an image by at most this many first bytes. */
    int MIN_PIECE = 16;

    /** The content that {@code downloaded} completes (possibly none yet). */
    byte[] update(byte[] downloaded);

    /** What is left once the download ended. */
    byte[] finish();

    /** Decrypts WeCom's encrypted media (the decryption holds back short pieces itself). */
    static ContentDecoder decrypting(MediaDecryption decryption) {
        return new ContentDecoder() {
            @Override
            public byte[] update(byte[] downloaded) {
                return decryption.update(downloaded);
            }

            @Override
            public byte[] finish() {
                return decryption.finish();
            }
        };
    }

    /** The bytes as they are; only the file's first bytes wait until there are {@link #MIN_PIECE} of them. */
    static ContentDecoder plain() {
        return new ContentDecoder() {
            private byte[] head = new byte[0];
            private boolean started;

            @Override
            public byte[] update(byte[] downloaded) {
                if (started) {
                    return downloaded;
                }
                byte[] joined = new byte[head.length + downloaded.length];
                System.arraycopy(head, 0, joined, 0, head.length);
                System.arraycopy(downloaded, 0, joined, head.length, downloaded.length);
                started = joined.length >= MIN_PIECE;
                head = started ? new byte[0] : joined;
                return started ? joined : new byte[0];
            }

            @Override
            public byte[] finish() {
                return head;
            }
        };
    }
}
