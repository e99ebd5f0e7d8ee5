package com.example.calc.api;

import java.util.concurrent.CompletableFuture;

/** The service interface, in a package the module exports. */
public interface Calculator {
  int add(int a, int b);

  Point midpoint(Point a, Point b);

  CompletableFuture<String> echoLater(String text);

  /** Fires {@code steps} progress events at every listener, then returns. */
  void runJob(int steps);

  void addProgressListener(ProgressListener listener);

  void removeProgressListener(ProgressListener listener);
}
