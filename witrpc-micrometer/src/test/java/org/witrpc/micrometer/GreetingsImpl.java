package org.witrpc.micrometer;

import java.util.concurrent.CompletableFuture;

/** Greets; {@link #held} is completed by the test. */
final class GreetingsImpl implements Greetings {
  final CompletableFuture<String> held = new CompletableFuture<>();

  @Override
  public String greet(String name) {
    return "hello " + name;
  }

  @Override
  public void fail(String message) {
    throw new IllegalStateException(message);
  }

  @Override
  public CompletableFuture<String> greetLater(String name) {
    return CompletableFuture.supplyAsync(() -> "hello " + name);
  }

  @Override
  public CompletableFuture<String> failLater(String message) {
    return CompletableFuture.failedFuture(new IllegalStateException(message));
  }

  @Override
  public CompletableFuture<String> held() {
    return held;
  }
}
