package io.wecomrelay.llm.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.llm.input.Attachment.Kind;
import org.junit.jupiter.api.Test;

class FileNamesTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] GIF = "GIF89a".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theDownloadsNameIsKeptWithoutPathsOrControlCharacters() {
        assertThat(FileNames.name(Kind.FILE, "报告 v2.pdf", new byte[0])).isEqualTo("报告 v2.pdf");
        assertThat(FileNames.name(Kind.FILE, "../../etc\\passwd.txt", new byte[0])).isEqualTo("passwd.txt");
        assertThat(FileNames.name(Kind.FILE, "a\u0000b\n.docx", new byte[0])).isEqualTo("ab.docx");
        assertThat(FileNames.name(Kind.FILE, "README", new byte[0])).isEqualTo("README.bin");
        assertThat(FileNames.name(Kind.FILE, "🙂".repeat(150) + ".pdf", new byte[0]))
                .hasSizeLessThanOrEqualTo(200).endsWith(".pdf").doesNotContain("\uFFFD");
    }

    @Test
    void withoutANameImagesAreRecognisedByTheirMagicBytes() {
        assertThat(FileNames.name(Kind.IMAGE, null, PNG)).isEqualTo("image.png");
        assertThat(FileNames.name(Kind.IMAGE, " ", GIF)).isEqualTo("image.gif");
        assertThat(FileNames.name(Kind.IMAGE, null, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff})).isEqualTo("image.jpg");
        assertThat(FileNames.name(Kind.VIDEO, null, new byte[0])).isEqualTo("video.mp4");
        assertThat(FileNames.name(Kind.FILE, null, new byte[0])).isEqualTo("file.bin");
    }

    @Test
    void difyTypesFollowTheKindAndForFilesTheExtension() {
        assertThat(FileNames.difyType(Kind.IMAGE, "x.bin")).isEqualTo("image");
        assertThat(FileNames.difyType(Kind.VIDEO, "x.bin")).isEqualTo("video");
        assertThat(FileNames.difyType(Kind.FILE, "a.PDF")).isEqualTo("document");
        assertThat(FileNames.difyType(Kind.FILE, "a.xlsx")).isEqualTo("document");
        assertThat(FileNames.difyType(Kind.FILE, "a.png")).isEqualTo("image");
        assertThat(FileNames.difyType(Kind.FILE, "a.mp3")).isEqualTo("audio");
        assertThat(FileNames.difyType(Kind.FILE, "a.mov")).isEqualTo("video");
        assertThat(FileNames.difyType(Kind.FILE, "a.zip")).isEqualTo("custom");
        assertThat(FileNames.difyType(Kind.FILE, "noextension")).isEqualTo("custom");
    }

    @Test
    void mimeTypesComeFromTheExtensionThenTheDownload() {
        assertThat(FileNames.mimeType("a.pdf", "application/octet-stream")).isEqualTo("application/pdf");
        assertThat(FileNames.mimeType("a.unknownext", "image/heic; q=1")).isEqualTo("image/heic");
        assertThat(FileNames.mimeType("a.unknownext", "application/octet-stream")).isEqualTo("application/octet-stream");
        assertThat(FileNames.mimeType("a.unknownext", "not a type")).isEqualTo("application/octet-stream");
    }

    @Test
    void contentDispositionNamesInBothForms() {
        assertThat(MediaFetcher.filename("attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf")).isEqualTo("报告.pdf");
        assertThat(MediaFetcher.filename("attachment; filename=\"plain name.txt\"")).isEqualTo("plain name.txt");
        String rawUtf8AsLatin1 = new String("报告.pdf".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(MediaFetcher.filename("attachment; filename=\"" + rawUtf8AsLatin1 + "\"")).isEqualTo("报告.pdf");
        assertThat(MediaFetcher.filename("attachment; filename=\"café.txt\"")).isEqualTo("café.txt");
        assertThat(MediaFetcher.filename("inline")).isNull();
        assertThat(MediaFetcher.filename(null)).isNull();
    }
}
