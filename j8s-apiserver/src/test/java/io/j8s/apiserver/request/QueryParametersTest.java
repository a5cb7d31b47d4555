package io.j8s.apiserver.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

    @Test
    void booleansAsApimachineryDecodesOptions() {
        for (String t : new String[] {"true", "True", "TRUE", "1", "t", "yes", "", "anything"}) {
            assertThat(QueryParameters.parseBool(t)).as(t).isTrue();
        }
        for (String f : new String[] {"false", "False", "FALSE", "fAlSe", "0"}) {
            assertThat(QueryParameters.parseBool(f)).as(f).isFalse();
        }
        assertThat(QueryParameters.parseBool(null)).isFalse();
    }

    @Test
    void integersAsStrconvParseInt() {
        assertThat(QueryParameters.parseInt64("42")).isEqualTo(42);
        assertThat(QueryParameters.parseInt64("+7")).isEqualTo(7);
        assertThat(QueryParameters.parseInt64("-3")).isEqualTo(-3);
        assertThat(QueryParameters.parseInt64("007")).isEqualTo(7);
        assertThat(QueryParameters.parseInt64("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> QueryParameters.parseInt64("abc"))
                .hasMessage("strconv.ParseInt: parsing \"abc\": invalid syntax");
        assertThatThrownBy(() -> QueryParameters.parseInt64(""))
                .hasMessage("strconv.ParseInt: parsing \"\": invalid syntax");
        assertThatThrownBy(() -> QueryParameters.parseInt64("1_000"))
                .hasMessage("strconv.ParseInt: parsing \"1_000\": invalid syntax");
        assertThatThrownBy(() -> QueryParameters.parseInt64("0x10"))
                .hasMessage("strconv.ParseInt: parsing \"0x10\": invalid syntax");
        assertThatThrownBy(() -> QueryParameters.parseInt64(" 1"))
                .hasMessage("strconv.ParseInt: parsing \" 1\": invalid syntax");
        assertThatThrownBy(() -> QueryParameters.parseInt64("-"))
                .hasMessage("strconv.ParseInt: parsing \"-\": invalid syntax");
        assertThatThrownBy(() -> QueryParameters.parseInt64("9223372036854775808"))
                .hasMessage(
                        "strconv.ParseInt: parsing \"9223372036854775808\": value out of range");
        assertThatThrownBy(() -> QueryParameters.parseInt64("1\"\n"))
                .hasMessage("strconv.ParseInt: parsing \"1\\\"\\n\": invalid syntax");
    }

    @Test
    void durationsAsTimeParseDuration() {
        assertThat(QueryParameters.parseDuration("32s")).isEqualTo(Duration.ofSeconds(32));
        assertThat(QueryParameters.parseDuration("0")).isEqualTo(Duration.ZERO);
        assertThat(QueryParameters.parseDuration("1h2m3.5s"))
                .isEqualTo(Duration.ofMillis(3_723_500));
        assertThat(QueryParameters.parseDuration("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(QueryParameters.parseDuration(".5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(QueryParameters.parseDuration("-2ms")).isEqualTo(Duration.ofMillis(-2));
        assertThat(QueryParameters.parseDuration("300us")).isEqualTo(Duration.ofNanos(300_000));
        assertThat(QueryParameters.parseDuration("1\u00b5s")).isEqualTo(Duration.ofNanos(1_000));
        assertThatThrownBy(() -> QueryParameters.parseDuration("abc"))
                .hasMessage("time: invalid duration \"abc\"");
        assertThatThrownBy(() -> QueryParameters.parseDuration(""))
                .hasMessage("time: invalid duration \"\"");
        assertThatThrownBy(() -> QueryParameters.parseDuration("5"))
                .hasMessage("time: missing unit in duration \"5\"");
        assertThatThrownBy(() -> QueryParameters.parseDuration("5x"))
                .hasMessage("time: unknown unit \"x\" in duration \"5x\"");
        assertThatThrownBy(() -> QueryParameters.parseDuration(".s"))
                .hasMessage("time: invalid duration \".s\"");
        assertThatThrownBy(() -> QueryParameters.parseDuration("9999999999h"))
                .hasMessage("time: invalid duration \"9999999999h\"");
    }
}
