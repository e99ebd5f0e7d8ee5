package org.witrpc.process;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The builder refuses at once what would only fail when the worker is started. */
class BuilderChecksTest {

  @Test
  void anEnvironmentVariableNameWithAnEqualsSignIsRefused() {
    assertThatThrownBy(() -> WorkerProcess.builder(Calculator.class).environment("A=B", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be empty nor contain '='");
  }

  @Test
  void anEmptyEnvironmentVariableNameIsRefused() {
    assertThatThrownBy(() -> WorkerProcess.builder(Calculator.class).environment("", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be empty");
  }

  @Test
  void aNulInAnEnvironmentValueIsRefused() {
    assertThatThrownBy(() -> WorkerProcess.builder(Calculator.class).environment("A", "x\0y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain NUL");
  }

  @Test
  void aNullInTheCommandLineIsNamed() {
    assertThatThrownBy(
            () ->
                WorkerProcess.builder(Calculator.class).commandLine(Arrays.asList("/bin/sh", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("command line: element 1 is null");
  }

  @Test
  void aNullJvmOptionIsNamed() {
    assertThatThrownBy(() -> WorkerProcess.builder(Calculator.class).jvmOptions("-Xmx64m", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("JVM options: element 1 is null");
    assertThatThrownBy(() -> JavaCommand.jar(java.nio.file.Path.of("a.jar")).args("x", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("arguments: element 1 is null");
  }
}
