package org.witrpc.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that owns the child JVMs of a test class: register it with
 * {@code @RegisterExtension}, or get it from the class's {@link CrossProcessHarness}, which calls
 * its callbacks; start children through it, and after each test it prints the output of every child
 * when the test failed and always destroys the test's own children (gracefully, then forcibly),
 * even when the test threw.
 *
 * <p>Children started with {@link #startShared} outlive a test (a server used by every test of a
 * class or of one parameter set); the class closes them with {@link #closeShared()}, and at the
 * latest they are destroyed after all tests of the class.
 *
 * <p>Thread safety: not thread-safe; one instance per test class, used by the test thread.
 */
final class ChildJvms implements AfterEachCallback, AfterAllCallback {
  /** JVM options for children that live a few seconds: C1 only, it starts faster. */
  static final List<String> SHORT_LIVED = List.of("-XX:TieredStopAtLevel=1");

  private final List<ChildJvm> children = new ArrayList<>();
  private final List<ChildJvm> shared = new ArrayList<>();
  private Path logDir;

  /** Starts {@code mainClass} in a new JVM with the test class path; output goes to log files. */
  ChildJvm start(String name, Class<?> mainClass, String... args) throws IOException {
    return start(name, List.of(), mainClass, args);
  }

  /** Like {@link #start(String, Class, String...)} with extra JVM options. */
  ChildJvm start(String name, List<String> jvmOptions, Class<?> mainClass, String... args)
      throws IOException {
    ChildJvm child = ChildJvm.start(name, logDir(), jvmOptions, mainClass, args);
    children.add(child);
    return child;
  }

  /** Starts a modular application's {@code module/mainClass} from {@code modulePath}. */
  ChildJvm startModule(
      String name, List<String> jvmOptions, String modulePath, String moduleAndMain, String... args)
      throws IOException {
    ChildJvm child =
        ChildJvm.startModule(name, logDir(), jvmOptions, modulePath, moduleAndMain, args);
    children.add(child);
    return child;
  }

  /** Starts a child that is not destroyed after the current test; see {@link #closeShared()}. */
  ChildJvm startShared(String name, List<String> jvmOptions, Class<?> mainClass, String... args)
      throws IOException {
    ChildJvm child = ChildJvm.start(name, logDir(), jvmOptions, mainClass, args);
    shared.add(child);
    return child;
  }

  /** Destroys every shared child (gracefully, then forcibly). Idempotent. */
  void closeShared() {
    for (ChildJvm child : shared) {
      child.close();
    }
    shared.clear();
  }

  private Path logDir() throws IOException {
    if (logDir == null) {
      Files.createDirectories(Path.of("target"));
      logDir = Files.createTempDirectory(Path.of("target"), "child-jvms-");
    }
    return logDir;
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
    if (failed) {
      for (ChildJvm child : shared) {
        System.err.println(child.output());
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeShared();
  }
}
