package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An announcement file is read from a directory that other processes of the user write to: only a
 * well-formed one is taken, anything else is refused naming what is wrong.
 */
class AnnouncementTest {
  private static final String GOOD =
      "{\"uri\":\"pipe://calc\",\"pid\":4242,\"processStart\":1764540000123,"
          + "\"startedAt\":1764540001456,\"services\":[\"com.example.Calculator\"]}";

  @Test
  void aWellFormedFileParses() {
    Announcement a = parse(GOOD);

    assertThat(a.uri()).isEqualTo("pipe://calc");
    assertThat(a.pid()).isEqualTo(4242);
    assertThat(a.processStart()).isEqualTo(1764540000123L);
    assertThat(a.startedAt()).isEqualTo(Instant.ofEpochMilli(1764540001456L));
    assertThat(a.services()).containsExactly("com.example.Calculator");
    assertThat(parse(GOOD.replace("4242", "1")).pid()).as("a JVM in a container").isEqualTo(1);
  }

  @Test
  void whatTheServerWritesParsesBack() {
    Announcement a = Announcement.ofThisProcess("mmf://x?dir=%2Ftmp", List.of("a.B", "c.D"));

    Announcement read = Announcement.parse(a.toJson());

    assertThat(read.startedAt()).isEqualTo(a.startedAt().truncatedTo(ChronoUnit.MILLIS));
    assertThat(read).usingRecursiveComparison().ignoringFields("startedAt").isEqualTo(a);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a fractional pid | \"pid\":4242 | \"pid\":4242.7 | pid is not a whole number",
        "a pid as text | \"pid\":4242 | \"pid\":\"4242\" | pid is not a whole number",
        "a zero pid | \"pid\":4242 | \"pid\":0 | pid is not a process id",
        "a negative pid | \"pid\":4242 | \"pid\":-5 | pid is not a whole number",
        "a pid beyond long | \"pid\":4242 | \"pid\":99999999999999999999 | pid is not a whole",
        "a fractional start | \"startedAt\":1764540001456 | \"startedAt\":1.5 | startedAt is not",
        "a negative process start | \"processStart\":1764540000123 | \"processStart\":-1 | processStart",
        "a blank uri | \"uri\":\"pipe://calc\" | \"uri\":\"  \" | uri is not a transport URI",
        "a uri without scheme | \"uri\":\"pipe://calc\" | \"uri\":\"calc\" | uri is not a transport URI",
        "a uri with white space | \"uri\":\"pipe://calc\" | \"uri\":\"pipe://ca lc\" | uri is not",
        "an empty address | \"uri\":\"pipe://calc\" | \"uri\":\"pipe://\" | uri is not a transport URI",
        "a blank service | \"com.example.Calculator\" | \"\" | a blank service name",
        "a service as a number | \"com.example.Calculator\" | 7 | services[] is not a string",
      })
  void aMalformedFileIsRefusedNamingTheProblem(
      String what, String good, String bad, String problem) {
    String json = GOOD.replace(good, bad);
    assertThat(json).isNotEqualTo(GOOD);

    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }

  private static Announcement parse(String json) {
    return Announcement.parse(json.getBytes(StandardCharsets.UTF_8));
  }
}
