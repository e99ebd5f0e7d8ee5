package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.witrpc.testkit.Conditions;

/**
 * The callback thread: runs tasks in order, spins only briefly after the last one and then parks
 * (an idle client burns no CPU), refuses tasks after shutdown and ends. No timing is asserted:
 * "parks" means its state becomes WAITING within a generous deadline.
 */
class CallbackThreadTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void runsTasksInOrderThenParksWhenIdle() throws Exception {
    CallbackThread callbacks = new CallbackThread();
    List<Integer> ran = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(100);
    for (int i = 0; i < 100; i++) {
      int n = i;
      callbacks.execute(
          () -> {
            ran.add(n);
            done.countDown();
          });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).isSorted().hasSize(100);
    Thread worker = callbacks.threadForTests();
    assertThat(worker.getName()).startsWith("witrpc-callbacks-");

    Conditions.await(
        () -> worker.getState() == Thread.State.WAITING,
        DEADLINE,
        "the idle callback thread to park");

    // woken from its park by the next task
    CountDownLatch again = new CountDownLatch(1);
    callbacks.execute(again::countDown);
    assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
    callbacks.shutdown();
    assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    worker.join(TimeUnit.SECONDS.toMillis(10)); // terminated is counted down just before it ends
    assertThat(worker.isAlive()).isFalse();
  }

  @Test
  void aTaskThatLeavesTheInterruptSetDoesNotKeepTheThreadSpinning() throws Exception {
    CallbackThread callbacks = new CallbackThread();
    CountDownLatch ran = new CountDownLatch(1);
    callbacks.execute(
        () -> {
          Thread.currentThread().interrupt();
          ran.countDown();
        });
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    Thread worker = callbacks.threadForTests();

    Conditions.await(
        () -> worker.getState() == Thread.State.WAITING, DEADLINE, "the callback thread to park");
    callbacks.shutdown();
  }

  @Test
  void shutdownRunsWhatWasGivenThenRefusesAndEnds() throws Exception {
    CallbackThread callbacks = new CallbackThread();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch second = new CountDownLatch(1);
    callbacks.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    callbacks.execute(second::countDown);

    callbacks.shutdown();
    assertThatThrownBy(() -> callbacks.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    release.countDown();

    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shutdownBeforeAnyTaskStartsNoThread() throws Exception {
    CallbackThread callbacks = new CallbackThread();
    callbacks.shutdown();

    assertThat(callbacks.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> callbacks.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(callbacks.threadForTests()).isNull();
  }
}
