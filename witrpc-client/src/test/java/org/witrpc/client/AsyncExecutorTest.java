package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
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
