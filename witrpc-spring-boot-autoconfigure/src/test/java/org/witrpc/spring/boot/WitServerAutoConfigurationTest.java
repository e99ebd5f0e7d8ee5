package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;

class WitServerAutoConfigurationTest {

  @Configuration(proxyBeanMethods = false)
  static class CalculatorService {
    @Bean
    CalculatorImpl calculator() {
      return new CalculatorImpl();
    }
  }

  /** Implements two service interfaces and names neither. */
  @WitService
  static class TwoInterfaces implements Calculator, Greeter {
    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public String slow(String s) {
      return s;
    }

    @Override
    public String greet(String name) {
      return "hello " + name;
    }
  }

  @WitService(Greeter.class)
  static class NamedGreeter extends TwoInterfaces {}

  @Test
  void noServerWhenNothingAsksForOne() {
    Runners.witrpc()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(WitServer.class);
              assertThat(context).doesNotHaveBean(WitServerLifecycle.class);
            });
  }

  @Test
  void servesTheAnnotatedBeanAtTheUriAndStartsWithTheContext() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues("witrpc.server.uri=" + uri)
        .run(
            context -> {
              assertThat(context).hasSingleBean(WitServer.class);
              assertThat(context.getBean(WitServerLifecycle.class).isRunning()).isTrue();
              try (WitClient client = WitClient.builder().transport(uri).build()) {
                client.connect(Duration.ofSeconds(5));
                assertThat(client.service(Calculator.class).add(2, 3)).isEqualTo(5);
              }
            });
  }

  @Test
  void serverPropertiesReachTheServer() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues(
            "witrpc.server.uri=" + uri,
            "witrpc.server.serializer=msgpack",
            "witrpc.server.encryption=true",
            "witrpc.server.access-token=s3cret-s3cret-s3cret")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              try (WitClient wrongToken =
                  WitClient.builder()
                      .transport(uri)
                      .serializer(org.witrpc.Serializers.messagePack())
                      .encryption(true)
                      .accessToken("wrong")
                      .build()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> wrongToken.connect(Duration.ofSeconds(5)))
                    .isInstanceOf(org.witrpc.WitSecurityException.class);
              }
              try (WitClient client =
                  WitClient.builder()
                      .transport(uri)
                      .serializer(org.witrpc.Serializers.messagePack())
                      .encryption(true)
                      .accessToken("s3cret-s3cret-s3cret")
                      .build()) {
                client.connect(Duration.ofSeconds(5));
                assertThat(client.service(Calculator.class).add(1, 1)).isEqualTo(2);
              }
            });
  }

  /** An empty token (a placeholder whose variable is unset) would have served every client. */
  @Test
  void anEmptyAccessTokenFailsStartupNamingTheProperty() {
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues(
            "witrpc.server.uri=" + TestNames.memUri(), "witrpc.server.access-token=${NO_SUCH_VAR:}")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.server.access-token'", "empty or blank"));
  }

  /** A context stopped and started again (as CRaC does) is told why the server cannot serve. */
  @Test
  void aStoppedServerSaysWhyItCannotStartAgain() {
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues("witrpc.server.uri=" + TestNames.memUri())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              context.stop();
              assertThat(catchThrowable(context::start))
                  .rootCause()
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("was stopped and cannot start again")
                  .hasMessageContaining("close the application context");
            });
  }

  @Test
  void anAnnotatedBeanAsksForAServerAndFailsWithoutAUri() {
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.server.uri'", "not set"));
  }

  @Test
  void aUriWithoutAnyServiceBeanFailsNamingTheUri() {
    Runners.witrpc()
        .withPropertyValues("witrpc.server.uri=" + TestNames.memUri())
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.server.uri'", "@WitService"));
  }

  @Test
  void disabledMeansNoServerEvenWithAUriAndServices() {
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues(
            "witrpc.server.uri=" + TestNames.memUri(), "witrpc.server.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WitServer.class));
  }

  @Test
  void noServerWithoutWitrpcServerOnTheClassPath() {
    Runners.witrpc()
        .withClassLoader(new FilteredClassLoader(WitServer.class))
        .withPropertyValues("witrpc.server.uri=" + TestNames.memUri())
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("witServer"));
  }

  @Test
  void aMissingTransportArtifactFailsNamingThePropertyAndTheArtifact() {
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues("witrpc.server.uri=ws://127.0.0.1:0/rpc") // not on the test path
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.server.uri'", "org.witrpc:witrpc-transport-websocket"));
  }

  @Test
  void aBadUriFailsNamingTheProperty() {
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues("witrpc.server.uri=mmf://calc?bogus=1")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.server.uri'", "bogus"));
  }

  @Test
  void aSizeOutOfRangeFailsNamingTheProperty() {
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues(
            "witrpc.server.uri=" + TestNames.memUri(), "witrpc.server.max-frame-size=10B")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.server.max-frame-size'"));
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues(
            "witrpc.server.uri=" + TestNames.memUri(), "witrpc.server.max-frame-size=4GB")
        .run(
            context ->
                assertThat(Runners.failureDescription(context))
                    .contains("'witrpc.server.max-frame-size'", "out of range"));
  }

  @Test
  void anUnreadableSizeFailsInBootsBindingNamingTheProperty() {
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withPropertyValues(
            "witrpc.server.uri=" + TestNames.memUri(), "witrpc.server.max-frame-size=lots")
        .run(
            context ->
                assertThat(Runners.failureMessages(context))
                    .contains("witrpc.server.max-frame-size"));
  }

  @Test
  void aBeanWithSeveralInterfacesMustNameTheOnesToServe() {
    Runners.witrpc()
        .withBean(TwoInterfaces.class)
        .withPropertyValues("witrpc.server.uri=" + TestNames.memUri())
        .run(
            context ->
                assertThat(Runners.failureMessages(context))
                    .contains(Calculator.class.getName(), Greeter.class.getName(), "@WitService("));
  }

  @Test
  void aBeanIsServedUnderTheInterfacesItNames() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withBean(NamedGreeter.class)
        .withPropertyValues("witrpc.server.uri=" + uri)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              try (WitClient client = WitClient.builder().transport(uri).build()) {
                client.connect(Duration.ofSeconds(5));
                assertThat(client.service(Greeter.class).greet("boot")).isEqualTo("hello boot");
                org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> client.service(Calculator.class).add(1, 2))
                    .isInstanceOf(org.witrpc.WitRemoteException.class);
              }
            });
  }

  @Test
  void customizersChangeTheBuilderLast() {
    String uri = TestNames.memUri();
    AtomicBoolean customized = new AtomicBoolean();
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withBean(
            WitServerBuilderCustomizer.class,
            () ->
                builder -> {
                  customized.set(true);
                  builder.service(Greeter.class, name -> "hi " + name);
                })
        .withPropertyValues("witrpc.server.uri=" + uri)
        .run(
            context -> {
              assertThat(customized).isTrue();
              try (WitClient client = WitClient.builder().transport(uri).build()) {
                client.connect(Duration.ofSeconds(5));
                assertThat(client.service(Greeter.class).greet("x")).isEqualTo("hi x");
              }
            });
  }

  @Test
  void backsOffWhenTheApplicationDefinesItsOwnServer() {
    String uri = TestNames.memUri();
    Runners.witrpc()
        .withUserConfiguration(CalculatorService.class)
        .withBean(
            "myServer",
            WitServer.class,
            () -> WitServer.builder().service(Greeter.class, n -> n).transport(uri).build())
        .withPropertyValues("witrpc.server.uri=" + TestNames.memUri())
        .run(
            context -> {
              assertThat(context).hasSingleBean(WitServer.class).hasBean("myServer");
              assertThat(context).doesNotHaveBean(WitServerLifecycle.class);
            });
  }

  @Test
  void graceIsThePhaseTimeoutLessTheCloseMarginAtLeastHalfOfIt() {
    assertThat(WitServerAutoConfiguration.grace(environment(null)))
        .isEqualTo(Duration.ofSeconds(27));
    assertThat(WitServerAutoConfiguration.grace(environment("10s")))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(WitServerAutoConfiguration.grace(environment("2s")))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(WitServerAutoConfiguration.grace(environment("-5s")))
        .as("a negative timeout is no time, not a negative grace")
        .isZero();
  }

  private static StandardEnvironment environment(String timeout) {
    StandardEnvironment env = new StandardEnvironment();
    if (timeout != null) {
      env.getPropertySources()
          .addFirst(
              new MapPropertySource(
                  "test", Map.of("spring.lifecycle.timeout-per-shutdown-phase", timeout)));
    }
    return env;
  }
}
