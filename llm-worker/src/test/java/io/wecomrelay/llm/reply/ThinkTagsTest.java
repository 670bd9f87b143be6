package io.wecomrelay.llm.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code <think>} blocks split from the answer, whatever deltas the tags are cut across. */
class ThinkTagsTest {

    private static final String STREAM = "<think>\n想一想 a<b & c</thi</think>\n\n答案 < 42 </ok>";

    @Test
    void everyCutOfTheStreamIntoTwoDeltasGivesTheSameParts() {
        for (int cut = 0; cut <= STREAM.length(); cut++) {
            var parts = feed(List.of(STREAM.substring(0, cut), STREAM.substring(cut)));

            assertThat(parts.reasoning()).as("cut at %d", cut).isEqualTo("\n想一想 a<b & c</thi");
            assertThat(parts.answer()).as("cut at %d", cut).isEqualTo("\n\n答案 < 42 </ok>");
        }
    }

    @Test
    void oneCharacterPerDeltaGivesTheSameParts() {
        var deltas = STREAM.chars().mapToObj(c -> String.valueOf((char) c)).toList();

        assertThat(feed(deltas)).isEqualTo(ThinkTags.split(STREAM));
        assertThat(ThinkTags.split(STREAM).answer()).isEqualTo("\n\n答案 < 42 </ok>");
    }

    @Test
    void aPossibleTagStartWaitsForTheNextDeltaAndNothingElseDoes() {
        var tags = new ThinkTags();

        assertThat(tags.feed("x <th")).containsExactly(new ThinkTags.Segment(false, "x "));
        assertThat(tags.feed("ink>y")).containsExactly(new ThinkTags.Segment(true, "y"));
        assertThat(tags.feed("</")).isEmpty();
        assertThat(tags.feed("b>z")).containsExactly(new ThinkTags.Segment(true, "</b>z"));
        assertThat(tags.feed("</think")).isEmpty();
        assertThat(tags.finish()).containsExactly(new ThinkTags.Segment(true, "</think"));
    }

    @Test
    void everyBlockIsThinkingAndAnUnclosedOneTakesTheRest() {
        assertThat(ThinkTags.split("a<think>1</think>b<think>2</think>c"))
                .isEqualTo(new ThinkTags.Parts("12", "abc"));
        assertThat(ThinkTags.split("<think>never closed")).isEqualTo(new ThinkTags.Parts("never closed", ""));
        assertThat(ThinkTags.split("plain answer, no tags")).isEqualTo(new ThinkTags.Parts("", "plain answer, no tags"));
    }

    @Test
    void aStreamThatEndsOnALessThanSignKeepsIt() {
        var tags = new ThinkTags();

        assertThat(tags.feed("1 <")).containsExactly(new ThinkTags.Segment(false, "1 "));
        assertThat(tags.finish()).containsExactly(new ThinkTags.Segment(false, "<"));
    }

    private static ThinkTags.Parts feed(List<String> deltas) {
        var tags = new ThinkTags();
        var segments = new ArrayList<ThinkTags.Segment>();
        deltas.forEach(delta -> segments.addAll(tags.feed(delta)));
        segments.addAll(tags.finish());
        var reasoning = new StringBuilder();
        var answer = new StringBuilder();
        segments.forEach(s -> (s.reasoning() ? reasoning : answer).append(s.text()));
        return new ThinkTags.Parts(reasoning.toString(), answer.toString());
    }
}
