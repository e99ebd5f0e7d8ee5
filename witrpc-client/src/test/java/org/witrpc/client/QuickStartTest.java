package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.witrpc.server.WitServer;

/** The README's quick start, compiled and run as it is shown there. */
class QuickStartTest {

  public interface Calculator {
    int add(int a, int b);
  }

  static class CalculatorImpl implements Calculator {
    @Override
    public int add(int a, int b) {
      return a + b;
    }
  }

  @Test
  void quickStart() {
    WitServer server =
        WitServer.builder()
            .service(Calculator.class, new CalculatorImpl())
            .transport("mem://calc")
            .build();
    server.start();
    try (WitClient client = WitClient.builder().transport("mem://calc").build()) {
      client.connect(Duration.ofSeconds(5));
      Calculator calc = client.service(Calculator.class);
      assertThat(calc.add(1, 2)).isEqualTo(3);
    } finally {
      server.close();
    }
  }
}
