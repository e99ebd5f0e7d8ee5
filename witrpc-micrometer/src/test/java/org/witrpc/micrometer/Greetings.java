package org.witrpc.micrometer;

import java.util.concurrent.CompletableFuture;

/** The service the metrics tests call. */
public interface Greetings {
  String greet(String name);

  /** Throws IllegalStateException. */
  void fail(String message);

  CompletableFuture<String> greetLater(String name);

  /** Completes exceptionally with IllegalStateException. */
  CompletableFuture<String> failLater(String message);

  /** Completes when the test completes {@code GreetingsImpl.held}. */
  CompletableFuture<String> held();
}
