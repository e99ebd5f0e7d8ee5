package org.witrpc.spring.boot;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The tests' calculator: {@link #slow} waits for {@link #release} (bounded). */
@WitService
public class CalculatorImpl implements Calculator {
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);

  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public String slow(String s) {
    entered.countDown();
    try {
      if (!release.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return s;
  }
}
