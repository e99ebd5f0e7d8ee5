package org.witrpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a server or a file says cannot drive the terminal or forge the tool's own lines: escapes for
 * control and format characters, beyond 16 bits too, and for line breaks inside a field.
 */
class TerminalSafeWriterTest {

  private static String written(String s) {
    StringWriter sink = new StringWriter();
    PrintWriter out = TerminalSafeWriter.wrap(new PrintWriter(sink));
    out.print(s);
    out.flush();
    return sink.toString();
  }

  @Test
  void formatCharactersBeyondSixteenBitsAreEscapedOtherCharactersPass() {
    String tag = new String(Character.toChars(0xE0041)); // TAG LATIN CAPITAL LETTER A: invisible
    String smile = new String(Character.toChars(0x1F600)); // a symbol, shown as itself

    assertThat(written("X" + tag + "Y" + smile)).isEqualTo("X\\udb40\\udc41Y" + smile);
    assertThat(written("a\u202eb\u001b[2J\n")).isEqualTo("a\\u202eb\\u001b[2J\n");
  }

  @Test
  void aHalfOfAPairWithoutItsOtherHalfIsEscaped() {
    assertThat(written("a\ud800b")).isEqualTo("a\\ud800b");
    assertThat(written("a\udc00b")).isEqualTo("a\\udc00b");
    assertThat(written("end\ud800")).as("at a flush").isEqualTo("end\\ud800");
  }

  @Test
  void aFieldCannotStartALineOfItsOwnOrWidenAColumnUnseen() {
    assertThat(TerminalSafeWriter.field("evil.Svc\nforged  pipe  1  LIVE\ttab"))
        .isEqualTo("evil.Svc\\u000aforged  pipe  1  LIVE\\u0009tab");

    String table =
        Table.format(
            List.of(
                new String[] {"NAME", "STATE"},
                new String[] {"fake\nforged", "LIVE"},
                new String[] {"b", "\u001b[31mSTALE"}));
    assertThat(table.lines())
        .as("the column as wide as the escaped cell, 16 characters")
        .containsExactly(
            "NAME" + " ".repeat(14) + "STATE",
            "fake\\u000aforged  LIVE",
            "b" + " ".repeat(17) + "\\u001b[31mSTALE");
  }
}
