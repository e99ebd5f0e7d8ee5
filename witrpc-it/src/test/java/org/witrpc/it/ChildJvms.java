package org.witrpc.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that owns the child JVMs of one test: register it with
 * {@code @RegisterExtension}, start children through it, and after the test it prints their output
 * when the test failed and always destroys every child (gracefully, then forcibly), even when the
 * test threw.
 *
 * <p>Thread safety: not thread-safe; one instance per test class, used by the test thread.
 */
final class ChildJvms implements AfterEachCallback {
  private final List<ChildJvm> children = new ArrayList<>();
  private Path logDir;

  /** Starts {@code mainClass} in a new JVM with the test class path; output goes to log files. */
  ChildJvm start(String name, Class<?> mainClass, String... args) throws IOException {
    if (logDir == null) {
      logDir = Files.createTempDirectory(Path.of("target"), "child-jvms-");
    }
    ChildJvm child = ChildJvm.start(name, logDir, mainClass, args);
    children.add(child);
    return child;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    boolean failed = context.getExecutionException().isPresent();
    for (ChildJvm child : children) {
      child.close();
      if (failed) {
        System.err.println(child.output());
      }
    }
    children.clear();
  }
}
