package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.witrpc.ServerPing;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.Await;

/**
 * Every server answers {@link ServerPing} on its reader, whatever its application does: with its
 * executor full and an interceptor holding every call back, the ping is still answered.
 */
class ServerPingTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** A service whose calls wait until the test lets them go. */
  public interface Held {
    String hold();
  }

  @ParameterizedTest
  @EnumSource(Dispatch.class)
  @SuppressWarnings("try") // the server only needs to run
  void answersWhileTheExecutorIsFullAndAnInterceptorHoldsEveryCall(Dispatch dispatch)
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger intercepted = new AtomicInteger();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    String uri = "mem://ping-" + NAMES.incrementAndGet();
    try (WitServer server =
            WitServer.builder()
                .service(Held.class, () -> await(release, "held"))
                .transport(uri)
                .executor(executor)
                .dispatch(dispatch)
                .interceptor(
                    chain -> {
                      intercepted.incrementAndGet();
                      await(release, "interceptor"); // a bulkhead that lets nothing through
                      return chain.proceed();
                    })
                .build()
                .start();
        WitClient busy = WitClient.builder().transport(uri).build();
        WitClient client = WitClient.builder().transport(uri).build()) {
      busy.connect(Duration.ofSeconds(5));
      client.connect(Duration.ofSeconds(5));
      // under INLINE the held call blocks its own connection's reader, so it gets a client of its
      // own; under the others it fills the one-thread executor
      CompletableFuture<String> held =
          CompletableFuture.supplyAsync(() -> busy.service(Held.class).hold());
      awaitTrue(() -> intercepted.get() == 1);

      for (int i = 0; i < 3; i++) {
        client.service(ServerPing.class).ping().get(10, TimeUnit.SECONDS);
      }
      assertThat(intercepted.get()).as("the pings passed no interceptor").isEqualTo(1);
      assertThat(held).isNotDone();
      release.countDown();
      assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("held");
    } finally {
      release.countDown();
      executor.shutdownNow();
    }
  }

  @Test
  void isNeitherListedNorDescribedNorRegistrable() throws Exception {
    String uri = "mem://ping-" + NAMES.incrementAndGet();
    try (WitServer server =
            WitServer.builder().service(Held.class, () -> "x").transport(uri).build().start();
        WitClient client = WitClient.builder().transport(uri).build()) {
      client.connect(Duration.ofSeconds(5));
      assertThat(server.serviceNames()).containsExactly(Held.class.getName());
      assertThat(client.dynamic().describe().services())
          .extracting(s -> s.interfaceName())
          .containsExactly(Held.class.getName());
      client.service(ServerPing.class).ping().get(10, TimeUnit.SECONDS);
    }
    ServerPing own = () -> CompletableFuture.completedFuture(null);
    assertThatThrownBy(() -> WitServer.builder().service(ServerPing.class, own))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("org.witrpc.ServerPing is the server's own");
  }

  private static String await(CountDownLatch latch, String value) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    return value;
  }

  private static void awaitTrue(BooleanSupplier condition) {
    Await.until("the held call is intercepted", condition);
  }
}
