package org.witrpc.opentelemetry;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.witrpc.WitRemoteException;

/** What the outcome tests call: a greeting, a relayed remote failure, a wait for the cancel. */
public interface OutcomesService {
  String greet(String name);

  /** Throws the 404 another server answered this one, as a method that calls on would. */
  void relay();

  /** Waits until the call is cancelled (its thread interrupted), at most a minute. */
  void sleep() throws InterruptedException;

  /** The service's implementation. */
  final class Impl implements OutcomesService {
    @Override
    public String greet(String name) {
      return "hello " + name;
    }

    @Override
    public void relay() {
      throw new WitRemoteException(404, "NotFound", "the backend has no such service", null);
    }

    @Override
    public void sleep() throws InterruptedException {
      new CountDownLatch(1).await(1, TimeUnit.MINUTES); // nothing releases it: only the cancel
    }
  }
}
