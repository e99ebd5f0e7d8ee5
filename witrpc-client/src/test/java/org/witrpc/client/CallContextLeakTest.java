package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.witrpc.WitTimeoutException;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;

/**
 * Calls leave nothing behind: after 10,000 calls (inline, on the executor, asynchronous, some given
 * up) no call is left among the server's running calls and no context on the threads that ran them.
 */
class CallContextLeakTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  @Test
  void noContextOutlivesItsCall() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    ContextServiceImpl impl = new ContextServiceImpl();
    String uri = "mem://leak-" + NAMES.incrementAndGet();
    try (WitServer server =
            WitServer.builder()
                .service(ContextService.class, impl)
                .transport(uri)
                .executor(executor)
                .interceptor(chain -> chain.proceed())
                .build()
                .start();
        WitServer inline =
            WitServer.builder()
                .service(ContextService.class, impl)
                .transport(uri + "-inline")
                .dispatch(Dispatch.INLINE)
                .build()
                .start();
        WitClient client =
            WitClient.builder().transport(uri).timeout(Duration.ofMillis(500)).build();
        WitClient inlineClient = WitClient.builder().transport(uri + "-inline").build()) {
      client.connect(Duration.ofSeconds(5));
      inlineClient.connect(Duration.ofSeconds(5));
      ContextService s = client.service(ContextService.class);
      ContextService si = inlineClient.service(ContextService.class);
      for (int i = 0; i < 10_000; i++) {
        switch (i % 4) {
          case 0 -> s.metadata("k");
          case 1 -> si.metadata("k");
          case 2 -> s.deadlineMillisLeft();
          default -> si.peerTransport();
        }
      }
      for (int i = 0; i < 3; i++) {
        try {
          s.block("given-up-" + i);
        } catch (WitTimeoutException expected) {
          // the server method is interrupted by the CANCEL
        }
        String id = "cancelled-" + i;
        CompletableFuture<String> f = s.blockAsync(id);
        awaitTrue(() -> impl.started.containsKey(id));
        f.cancel(true);
      }
      awaitTrue(() -> impl.endings.size() == 6);
      assertThat(server.connectionCount() + inline.connectionCount()).isEqualTo(2);
      assertThat(impl.endings)
          .hasSize(6)
          .allSatisfy((k, v) -> assertThat(v).startsWith("interrupted"));
      CompletableFuture<String> onExecutor = new CompletableFuture<>();
      executor.execute(
          () -> {
            try {
              org.witrpc.server.CallContext.current();
              onExecutor.complete("a context is left on the executor's thread");
            } catch (IllegalStateException none) {
              onExecutor.complete(
                  "none left; interrupted=" + Thread.currentThread().isInterrupted());
            }
          });
      assertThat(onExecutor.get(10, TimeUnit.SECONDS)).isEqualTo("none left; interrupted=false");
    } finally {
      executor.shutdownNow();
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("timed out").isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }
}
