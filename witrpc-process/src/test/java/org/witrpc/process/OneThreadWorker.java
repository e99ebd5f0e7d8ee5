package org.witrpc.process;

import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.witrpc.server.Dispatch;

/**
 * A test worker whose application runs its calls on one thread of its own, every one of them behind
 * a bulkhead interceptor that lets one call through at a time: a second call waits for the first.
 */
public final class OneThreadWorker {
  private OneThreadWorker() {}

  public static void main(String[] args) {
    Semaphore bulkhead = new Semaphore(1);
    WitWorker.builder()
        .service(Calculator.class, new CalculatorWorker())
        .configure(
            b ->
                b.executor(Executors.newSingleThreadExecutor(daemon()))
                    .dispatch(Dispatch.EXECUTOR)
                    .interceptor(
                        chain -> {
                          bulkhead.acquireUninterruptibly();
                          try {
                            return chain.proceed();
                          } finally {
                            bulkhead.release();
                          }
                        }))
        .serve();
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "one-thread-worker");
      t.setDaemon(true);
      return t;
    };
  }
}
