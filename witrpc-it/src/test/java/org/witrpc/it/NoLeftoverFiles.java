package org.witrpc.it;

import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that checks that a test leaves no file behind in the runtime directory: it
 * snapshots the names that start with the test class's prefix before each test and requires the
 * same names after it (a shared server's socket may be in both). Register it with a lower
 * {@code @Order} than {@link ChildJvms} (after-callbacks run in reverse order), so that its check
 * runs after the test's child JVMs are gone.
 *
 * <p>Thread safety: not thread-safe; one instance per test class, used by the test thread.
 */
final class NoLeftoverFiles implements BeforeEachCallback, AfterEachCallback {
  private final Supplier<String> prefix;
  private Set<String> before = Set.of();

  /** Checks the files whose names start with {@code prefix.get()} (read before each test). */
  NoLeftoverFiles(Supplier<String> prefix) {
    this.prefix = prefix;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    before = RuntimeFiles.startingWith(prefix.get());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    RuntimeFiles.awaitExactly(prefix.get(), before);
  }
}
