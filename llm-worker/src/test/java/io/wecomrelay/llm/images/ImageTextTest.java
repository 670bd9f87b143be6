package io.wecomrelay.llm.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Finding Markdown images, naming them, and the text once their fate is known. */
class ImageTextTest {

    private static final String NOTE = "[image unavailable: {name}]";

    @Test
    void findsImagesWithAngleBracketsAndTitlesButNotLinks() {
        String text = "a ![x](/files/a.png) b [link](https://l) ![y](<https://h/b c.png>) ![](https://h/c.jpg \"t\")";

        var refs = MarkdownImages.find(text);

        assertThat(refs).extracting(MarkdownImages.Ref::url).containsExactly("/files/a.png", "https://h/b c.png", "https://h/c.jpg");
        assertThat(refs).extracting(MarkdownImages.Ref::alt).containsExactly("x", "y", "");
        assertThat(text.substring(refs.get(0).start(), refs.get(0).end())).isEqualTo("![x](/files/a.png)");
    }

    @Test
    void aHostileAnswerCostsBoundedWork() {
        String text = "![a](" + "x".repeat(10_000) + ")" + "![b](/i.png)".repeat(100);

        var refs = MarkdownImages.find(text);

        assertThat(refs).hasSize(MarkdownImages.MAX_IMAGES).allSatisfy(ref -> assertThat(ref.url()).isEqualTo("/i.png"));
    }

    @Test
    void namesAreTheAltTextElseTheFileNameNeverTheQueryAndCarryNoMarkdown() {
        assertThat(ImageNames.of("销售图表", "/files/x.png", 1)).isEqualTo("销售图表");
        assertThat(ImageNames.of("image", "/files/tools/a%20b.png?timestamp=1&sign=SECRET", 2)).isEqualTo("a b.png");
        assertThat(ImageNames.of("", "https://h/", 3)).isEqualTo("image 3");
        assertThat(ImageNames.of("[x](y)", "/a.png", 4)).isEqualTo("xy");
        assertThat(ImageNames.of("n".repeat(200), "/a.png", 5)).hasSize(ImageNames.MAX_CHARS);
    }

    @Test
    void attachedImagesLeaveTheTextLinkedOnesPointAtTheirAbsoluteUrlOthersAreNamed() {
        String text = "Here:\n![chart](/c.png)\nand ![pic](/p.jpg) also ![bad](/b.png) and ![chart](/c.png) again";
        var refs = MarkdownImages.find(text);
        Map<String, ImageText.Verdict> verdicts = Map.of(
                "/c.png", new ImageText.Verdict(ImageOutcome.ATTACHED, "chart", null),
                "/p.jpg", new ImageText.Verdict(ImageOutcome.LINKED, "pic", "https://dify.example/p.jpg"),
                "/b.png", new ImageText.Verdict(ImageOutcome.NOT_JPG_PNG, "bad", null));

        String rewritten = ImageText.rewrite(text, refs, verdicts, NOTE);

        assertThat(rewritten).isEqualTo("Here:\nand ![pic](https://dify.example/p.jpg) also [image unavailable: bad] and  again");
    }

    @Test
    void anAnswerThatIsOnlyAnImageBecomesEmpty() {
        String text = "![image](/files/tools/x.png)\n\n";
        var refs = MarkdownImages.find(text);

        String rewritten = ImageText.rewrite(text, refs,
                Map.of("/files/tools/x.png", new ImageText.Verdict(ImageOutcome.ATTACHED, "x.png", null)), NOTE);

        assertThat(rewritten).isEmpty();
    }
}
