package org.witrpc.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension with everything a cross-process test class needs around its tests, registered
 * once per class with {@code @RegisterExtension static final CrossProcessHarness HARNESS = new
 * CrossProcessHarness();}. It owns:
 *
 * <ul>
 *   <li>the class's {@link ChildJvms} ({@link #children()}), with their lifecycle: a test's own
 *       children are destroyed after it, shared ones by {@link #closeSharedAndCheckNoFilesLeft()}
 *       or at the latest after all tests of the class;
 *   <li>the name prefix ({@link #prefix()}): every transport name and child name of the class
 *       starts with it; the class picks a new one per parameter set with {@link #newPrefix} before
 *       its tests run;
 *   <li>the in-process peers (clients, servers) that a test hands to {@link #closeAfterTest};
 *   <li>the leftover-files check: the files in the runtime directory that start with the prefix
 *       must be the same after each test as before it (a shared server's socket may be in both).
 * </ul>
 *
 * <p>After each test, after the class's own {@code @AfterEach} methods, it closes the test's
 * in-process peers (last first), then destroys the test's child JVMs, and only then checks the
 * files: a peer deletes its files when it closes, and a killed child's files are only known to be
 * final once it is gone. Each step runs even when an earlier one failed; the first failure is
 * thrown, later ones are added to it as suppressed.
 *
 * <p>Thread safety: not thread-safe; one instance per test class, used by JUnit's thread. The
 * prefix is volatile so that threads a test starts may read it.
 */
final class CrossProcessHarness implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private final ChildJvms children = new ChildJvms();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private volatile String prefix;
  private Set<String> filesBefore = Set.of();

  /**
   * Starts a new prefix, {@link RuntimeFiles#uniqueName RuntimeFiles.uniqueName(role)}, for the
   * tests that follow, and returns it. Call it before the tests of a class or of a parameter set,
   * from a {@code @BeforeAll} or {@code @BeforeParameterizedClassInvocation} method.
   */
  String newPrefix(String role) {
    prefix = RuntimeFiles.uniqueName(role);
    return prefix;
  }

  /**
   * The prefix set by the last {@link #newPrefix}.
   *
   * @throws IllegalStateException if {@link #newPrefix} was not called yet
   */
  String prefix() {
    String p = prefix;
    if (p == null) {
      throw new IllegalStateException("no name prefix: call newPrefix(role) before the tests");
    }
    return p;
  }

  /** The child JVMs of this class; start children through them. */
  ChildJvms children() {
    return children;
  }

  /** Closes {@code peer} after the current test, before its child JVMs are destroyed. */
  <T extends AutoCloseable> T closeAfterTest(T peer) {
    closeables.add(peer);
    return peer;
  }

  /**
   * Destroys the shared child JVMs, then requires (bounded wait) that no file starting with the
   * prefix is left: for the end of a class or of a parameter set whose tests shared a server.
   */
  void closeSharedAndCheckNoFilesLeft() {
    children.closeShared();
    RuntimeFiles.awaitExactly(prefix(), Set.of());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    filesBefore = RuntimeFiles.startingWith(prefix());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Throwable failure = null;
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        failure = firstOf(failure, e);
      }
    }
    closeables.clear();
    try {
      children.afterEach(context);
    } catch (RuntimeException | Error e) {
      failure = firstOf(failure, e);
    }
    try {
      RuntimeFiles.awaitExactly(prefix(), filesBefore);
    } catch (RuntimeException | Error e) {
      failure = firstOf(failure, e);
    }
    if (failure instanceof Exception e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    children.afterAll(context);
  }

  private static Throwable firstOf(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
