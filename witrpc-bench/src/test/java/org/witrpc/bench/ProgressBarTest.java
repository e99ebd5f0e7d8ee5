package org.witrpc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The demo's progress bar")
class ProgressBarTest {
  private final ProgressBar bar =
      new ProgressBar(new PrintStream(PrintStream.nullOutputStream()), 10);

  @Test
  @DisplayName("fills in proportion to the percentage and clamps out-of-range values")
  void fillsInProportion() {
    assertThat(bar.render(0)).isEqualTo("[          ]   0%");
    assertThat(bar.render(50)).isEqualTo("[#####     ]  50%");
    assertThat(bar.render(100)).isEqualTo("[##########] 100%");
    assertThat(bar.render(130)).isEqualTo("[##########] 100%");
    assertThat(bar.render(-5)).isEqualTo("[          ]   0%");
  }
}
