package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * What a user's own test looks like: the application's services served and called over {@code
 * mem://} inside the test's JVM, with no process and no file.
 */
@SpringBootTest(
    properties = {
      "witrpc.server.uri=mem://spring-boot-test",
      "witrpc.client.calc.uri=mem://spring-boot-test"
    })
class MemTransportSpringBootTest {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(CalculatorImpl.class)
  static class Application {}

  @WitProxy("calc")
  Calculator calc;

  @Autowired WitClients clients;

  @Test
  void theInjectedProxyCallsTheServiceOverMem() {
    assertThat(calc.add(40, 2)).isEqualTo(42);
    assertThat(clients.service("calc", Calculator.class).add(1, 1)).isEqualTo(2);
  }
}
