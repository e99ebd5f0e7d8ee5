package org.witrpc.server;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the server's default executor: virtual threads named {@code witrpc-server-vN} on JDK 21+
 * (found by reflection, as we compile for 17), else a bounded pool of daemon threads named {@code
 * witrpc-server-N}.
 *
 * <p>Thread safety: stateless.
 */
final class ServerExecutors {
  private static final Logger LOG = LoggerFactory.getLogger(ServerExecutors.class);
  static final int POOL_SIZE = Math.max(64, 8 * Runtime.getRuntime().availableProcessors());
  private static final AtomicInteger POOL_THREADS = new AtomicInteger();

  private ServerExecutors() {}

  static ExecutorService createDefault() {
    ExecutorService virtual = virtualThreads();
    return virtual != null ? virtual : pool();
  }

  private static ExecutorService virtualThreads() {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> builderType = Class.forName("java.lang.Thread$Builder");
      builder =
          builderType
              .getMethod("name", String.class, long.class)
              .invoke(builder, "witrpc-server-v", 0L);
      ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
      Method create = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
      return (ExecutorService) create.invoke(null, factory);
    } catch (NoSuchMethodException | ClassNotFoundException e) {
      return null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("virtual threads unavailable, using a thread pool", e);
      return null;
    }
  }

  private static ExecutorService pool() {
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "witrpc-server-" + POOL_THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    return new ServerThreadPool(POOL_SIZE, 30, factory);
  }
}
