package io.wecomrelay.schemas.bot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WildcardsTest {

    @ParameterizedTest
    @CsvSource({
            "*, anyone, true",
            "zhang*, zhangsan, true",
            "zhang*, lisi, false",
            "*san, zhangsan, true",
            "z*g*n, zhangsan, true",
            "zhangsan, zhangsan, true",
            "zhangsan, zhangsan2, false",
            "a.b, axb, false",
            "'', '', true"})
    void matchesGlobsWithoutRegexSemantics(String pattern, String value, boolean expected) {
        assertThat(Wildcards.matches(pattern, value)).isEqualTo(expected);
    }
}
