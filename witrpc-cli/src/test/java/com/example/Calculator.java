package com.example;

import java.util.concurrent.CompletableFuture;

/** The README's calculator, served by the CLI's test servers. */
public interface Calculator {
  int add(int a, int b);

  int divide(int a, int b);

  CompletableFuture<String> slowEcho(String s);

  void addProgressListener(ProgressListener l);

  void removeProgressListener(ProgressListener l);
}
