package org.witrpc.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.witrpc.transport.mmf.LargeValueBenchmark;
import org.witrpc.transport.mmf.RingBufferBenchmark;

/**
 * Runs every benchmark through JMH's generated harness for one 10 ms iteration, in this JVM, so a
 * benchmark that no longer compiles, sets up or runs fails the build long before anyone runs {@code
 * jmh.sh}. The numbers are not looked at.
 */
class BenchmarksRunOnceTest {
  static final List<Class<?>> BENCHMARKS =
      List.of(
          EnvelopeCodecBenchmark.class,
          RingBufferBenchmark.class,
          LargeValueBenchmark.class,
          FrameCipherBenchmark.class,
          SerializerBenchmark.class);

  @Test
  void everyBenchmarkRunsOnceForEachOfItsParameters() throws RunnerException {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .include("^org\\.witrpc\\..*Benchmark\\.")
                    .forks(0)
                    .warmupIterations(0)
                    .measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(10))
                    .shouldFailOnError(true)
                    .verbosity(VerboseMode.SILENT)
                    .build())
            .run();

    List<String> ran = new ArrayList<>();
    for (RunResult result : results) {
      assertThat(result.getPrimaryResult().getScore())
          .as(result.getParams().getBenchmark())
          .isPositive();
      ran.add(result.getParams().getBenchmark());
    }
    assertThat(ran).containsExactlyInAnyOrderElementsOf(expectedRuns());
  }

  /** Each @Benchmark method once per combination of its class's @Param values. */
  private static List<String> expectedRuns() {
    List<String> runs = new ArrayList<>();
    for (Class<?> type : BENCHMARKS) {
      int combinations = 1;
      for (Field field : type.getFields()) {
        Param param = field.getAnnotation(Param.class);
        if (param != null) {
          combinations *= param.value().length;
        }
      }
      for (Method method : type.getMethods()) {
        if (method.isAnnotationPresent(Benchmark.class)) {
          for (int i = 0; i < combinations; i++) {
            runs.add(type.getName() + "." + method.getName());
          }
        }
      }
    }
    return runs;
  }
}
