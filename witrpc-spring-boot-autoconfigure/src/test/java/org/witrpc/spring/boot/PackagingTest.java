package org.witrpc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** What the jar tells Spring Boot and the IDEs: auto-configurations, analyzer, metadata. */
class PackagingTest {
  @Test
  void bootFindsTheFailureAnalyzer() {
    // Boot's own analyzers need constructor arguments that only Boot passes: skip them here.
    SpringFactoriesLoader.FailureHandler skipOthers =
        SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> {});
    assertThat(
            SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, skipOthers))
        .anyMatch(WitPropertyFailureAnalyzer.class::isInstance);
  }

  @Test
  void theAutoConfigurationsAreListed() throws Exception {
    assertThat(
            resource(
                "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports"))
        .contains(
            WitServerAutoConfiguration.class.getName(),
            WitClientAutoConfiguration.class.getName(),
            WitHealthAutoConfiguration.class.getName(),
            WitMetricsAutoConfiguration.class.getName(),
            WitTracingAutoConfiguration.class.getName());
  }

  @Test
  void configurationMetadataDescribesThePropertiesInBootForms() throws Exception {
    assertThat(resource("META-INF/spring-configuration-metadata.json"))
        .contains(
            "\"witrpc.server.uri\"",
            "\"witrpc.server.access-token\"",
            "\"witrpc.client\"",
            "org.springframework.util.unit.DataSize",
            "java.time.Duration");
  }

  /** This module's copy of {@code name}: Spring's jars carry files of the same names. */
  private static String resource(String name) throws Exception {
    java.net.URL ours = PackagingTest.class.getProtectionDomain().getCodeSource().getLocation();
    java.net.URL own = null;
    for (java.net.URL url :
        java.util.Collections.list(PackagingTest.class.getClassLoader().getResources(name))) {
      if (url.toString().contains("witrpc-spring-boot-autoconfigure/target/classes/")) {
        own = url;
      }
    }
    assertThat(own).as(name + " of this module (tests in " + ours + ")").isNotNull();
    try (InputStream in = own.openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
