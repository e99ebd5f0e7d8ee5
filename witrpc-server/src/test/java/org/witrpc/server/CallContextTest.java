package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.witrpc.Metadata;

/** The cancellation rules of {@link CallContext}: whom a cancel interrupts, and when. */
class CallContextTest {
  private static CallContext context() {
    return new CallContext(new Peer("mem://t#1", false, Optional.empty(), Optional.empty()));
  }

  @Test
  void aCancelWhileTheCallRunsInterruptsItsThreadAndRunsTheCallbacks() throws Exception {
    CallContext call = context();
    AtomicInteger callbacks = new AtomicInteger();
    call.onCancel(callbacks::incrementAndGet);
    AtomicReference<String> ending = new AtomicReference<>();
    CountDownLatch running = new CountDownLatch(1);
    Thread runner =
        new Thread(
            () -> {
              assertThat(call.start()).isTrue();
              running.countDown();
              try {
                new CountDownLatch(1).await(10, TimeUnit.SECONDS);
                ending.set("not interrupted");
              } catch (InterruptedException e) {
                ending.set("interrupted");
                Thread.currentThread().interrupt(); // left set: finish() must clear it
              }
              call.finish();
              if (Thread.currentThread().isInterrupted()) {
                ending.set(ending.get() + ", interrupt left for the next call");
              }
            });
    runner.start();
    running.await();
    call.cancel();
    runner.join(10_000);
    assertThat(ending.get()).isEqualTo("interrupted");
    assertThat(call.isCancelled()).isTrue();
    assertThat(callbacks.get()).isEqualTo(1);
    call.onCancel(callbacks::incrementAndGet); // already cancelled: runs at once
    assertThat(callbacks.get()).isEqualTo(2);
  }

  @Test
  void aCallCancelledBeforeItStartsDoesNotStart() {
    CallContext call = context();
    call.cancel();
    assertThat(call.start()).isFalse();
  }

  @Test
  void aCancelRacingTheEndOfACallNeverReachesTheThreadsNextCall() throws Exception {
    // the runner ends calls while another thread cancels them: after finish() the thread must
    // never be interrupted, whichever wins
    int calls = 10_000;
    CallContext[] contexts = new CallContext[calls];
    for (int i = 0; i < calls; i++) {
      contexts[i] = context();
    }
    AtomicInteger leaked = new AtomicInteger();
    AtomicInteger interruptedWhileRunning = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    Thread runner =
        new Thread(
            () -> {
              try {
                go.await();
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              for (CallContext c : contexts) {
                if (c.start()) {
                  Thread.onSpinWait();
                  if (Thread.currentThread().isInterrupted()) {
                    interruptedWhileRunning.incrementAndGet();
                  }
                  c.finish();
                }
                if (Thread.currentThread().isInterrupted()) {
                  leaked.incrementAndGet();
                  Thread.interrupted();
                }
              }
            });
    runner.start();
    go.countDown();
    for (CallContext c : contexts) {
      c.cancel();
    }
    runner.join(30_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(leaked.get()).isZero();
    assertThat(interruptedWhileRunning.get()).isLessThanOrEqualTo(calls);
  }

  @Test
  void currentIsOnlyOnTheThreadOfTheCallAndAWrappedTask() throws Exception {
    assertThatThrownBy(CallContext::current)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no witrpc call runs on this thread");
    CallContext call = context();
    call.begin(null, Metadata.empty().with("k", "v"), 0);
    Object previous = CallContext.enter(call);
    Runnable captured;
    try {
      assertThat(CallContext.current()).isSameAs(call);
      captured = CallContext.current().wrap(() -> assertThat(CallContext.current()).isSameAs(call));
    } finally {
      CallContext.leave(previous);
    }
    assertThatThrownBy(CallContext::current).isInstanceOf(IllegalStateException.class);
    Thread other = new Thread(captured);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    other.setUncaughtExceptionHandler((t, e) -> failure.set(e));
    other.start();
    other.join(10_000);
    assertThat(failure.get()).isNull();
    assertThat(call.deadline()).isEmpty();
    assertThat(call.metadata().get("k")).isEqualTo("v");
  }
}
