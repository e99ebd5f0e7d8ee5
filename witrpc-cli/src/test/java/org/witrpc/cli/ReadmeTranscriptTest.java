package org.witrpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.witrpc.server.WitServer;

/**
 * The README's "Command line" session is still what the tool prints: each command of its first
 * transcript runs against a calculator server (on a name of its own, for {@code calc}) and prints
 * the lines shown, up to pids, times and column widths; {@code list} shows the row shown among
 * those of other servers.
 */
class ReadmeTranscriptTest {
  private static final String NAME = "calc-" + UUID.randomUUID().toString().substring(0, 8);

  /** A command of the transcript and the lines shown after it. */
  record Step(List<String> args, List<String> output) {}

  @Test
  void theCommandLineSessionOfTheReadmeIsStillTrue() throws IOException {
    List<Step> steps = transcript(Files.readString(Path.of("..", "README.md")));
    assertThat(steps)
        .extracting(s -> s.args().get(0))
        .contains("list", "describe", "call", "watch", "ping");

    try (WitServer server = CliServerMain.server("pipe://" + NAME).start()) {
      assertThat(server.address()).isEqualTo("pipe://" + NAME);
      for (Step step : steps) {
        Cli.Result r = Cli.run(step.args().toArray(String[]::new));
        List<String> shown =
            normalize(step.output().stream().map(ReadmeTranscriptTest::ours).toList());
        List<String> printed = normalize((r.out() + r.err()).lines().toList());
        if (step.args().get(0).equals("list")) {
          assertThat(printed).as("witrpc %s\n%s", step.args(), r).containsAll(shown);
          assertThat(printed.get(0)).isEqualTo(shown.get(0));
        } else {
          assertThat(printed).as("witrpc %s\n%s", step.args(), r).isEqualTo(shown);
        }
      }
    }
  }

  /** The steps of the first {@code console} block after "## Command line". */
  static List<Step> transcript(String readme) {
    int section = readme.indexOf("\n## Command line\n");
    assertThat(section).as("README section 'Command line'").isPositive();
    int start = readme.indexOf("```console\n", section) + "```console\n".length();
    int end = readme.indexOf("\n```", start);
    List<Step> steps = new ArrayList<>();
    for (String line : readme.substring(start, end).split("\n")) {
      if (line.startsWith("$ witrpc ")) {
        steps.add(
            new Step(shellWords(ours(line.substring("$ witrpc ".length()))), new ArrayList<>()));
      } else {
        steps.get(steps.size() - 1).output().add(line);
      }
    }
    return steps;
  }

  /** The README's server {@code calc} is this test's server. */
  private static String ours(String line) {
    return line.replace("pipe://calc", "pipe://" + NAME).replaceFirst("^calc ", NAME + " ");
  }

  /** Words as a POSIX shell splits them, with '...' quoting. */
  static List<String> shellWords(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean inWord = false;
    for (char c : command.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
        inWord = true;
      } else if (c == ' ' && !quoted) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /** Lines with times, pids and column widths made alike. */
  static List<String> normalize(List<String> lines) {
    return lines.stream()
        .map(l -> l.replaceAll("\\d+\\.\\d+ ms", "T ms"))
        .map(
            l ->
                l.matches("\\S+ +\\S+ +\\d+ +\\S+ +(LIVE|STALE) .*")
                    ? l.replaceFirst("^(\\S+ +\\S+ +)\\d+ +\\S+", "$1PID UPTIME")
                    : l)
        .map(l -> l.strip().replaceAll(" {2,}", "  "))
        .toList();
  }
}
