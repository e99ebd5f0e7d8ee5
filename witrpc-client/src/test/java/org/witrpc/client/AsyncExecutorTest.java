package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The completions of a client's futures, and so its users' dependent stages, never run on the
 * thread that hands them over (a transport's I/O thread), also after the client is closed.
 */
class AsyncExecutorTest {

  @Test
  void aCompletionAfterShutdownRunsOnTheLateThreadNotOnTheCaller() throws Exception {
    AsyncExecutor executor = new AsyncExecutor(r -> new Thread(r, "test-async"));
    executor.shutdown();
    CompletableFuture<Object> future = new CompletableFuture<>();
    CompletableFuture<String> dependent = future.thenApply(v -> Thread.currentThread().getName());

    executor.execute(() -> future.complete("late reply"));

    assertThat(dependent.get(10, TimeUnit.SECONDS))
        .isNotEqualTo(Thread.currentThread().getName())
        .startsWith("witrpc-client-late-");
  }

  @Test
  void aLateCompletionBlockedInOneClientDoesNotHoldUpAnotherClients() throws Exception {
    AsyncExecutor a = new AsyncExecutor(r -> new Thread(r, "test-async-a"));
    AsyncExecutor b = new AsyncExecutor(r -> new Thread(r, "test-async-b"));
    a.shutdown();
    b.shutdown();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch aBlocked = new CountDownLatch(1);
    CompletableFuture<Object> futureA = new CompletableFuture<>();
    futureA.thenRun(
        () -> {
          aBlocked.countDown();
          awaitQuietly(release); // a user's dependent stage that blocks
        });
    try {
      a.execute(() -> futureA.complete("late reply of A"));
      assertThat(aBlocked.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Object> futureB = new CompletableFuture<>();
      b.execute(() -> futureB.complete("late reply of B"));

      assertThat(futureB.get(10, TimeUnit.SECONDS)).isEqualTo("late reply of B");
    } finally {
      release.countDown();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aCompletionWhileOpenRunsOnAClientThread() throws Exception {
    AsyncExecutor executor = new AsyncExecutor(r -> new Thread(r, "test-async"));
    try {
      CompletableFuture<String> ran = new CompletableFuture<>();
      executor.execute(() -> ran.complete(Thread.currentThread().getName()));
      assertThat(ran.get(10, TimeUnit.SECONDS)).isEqualTo("test-async");
    } finally {
      executor.shutdown();
    }
  }

  @Test
  void workThatMustNotStartAfterShutdownIsRejected() {
    AsyncExecutor executor = new AsyncExecutor(r -> new Thread(r, "test-async"));
    executor.shutdown();
    assertThatThrownBy(() -> executor.executeWhileOpen(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }
}
