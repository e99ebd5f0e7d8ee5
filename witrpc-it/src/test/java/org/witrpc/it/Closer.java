package org.witrpc.it;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (containers, networks, clients, servers), closed after it in reverse order:
 * every one is closed even when an earlier one fails; the first failure is thrown with the later
 * ones suppressed.
 *
 * <p>Thread safety: not thread-safe; owned by one test instance.
 */
final class Closer {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Closes {@code closeable} at {@link #closeAll()}, before what was tracked earlier. */
  <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /** Closes everything tracked, last first, and forgets it. */
  void closeAll() throws Exception {
    Exception failure = null;
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    closeables.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
