package com.example.calc.impl;

import com.example.calc.api.Calculator;
import com.example.calc.api.Point;
import com.example.calc.api.ProgressListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** The implementation, in a package the module does not export. */
public final class CalculatorImpl implements Calculator {
  private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();

  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public Point midpoint(Point a, Point b) {
    return new Point((a.x() + b.x()) / 2, (a.y() + b.y()) / 2);
  }

  @Override
  public CompletableFuture<String> echoLater(String text) {
    return CompletableFuture.supplyAsync(() -> text + "!");
  }

  @Override
  public void runJob(int steps) {
    for (int i = 1; i <= steps; i++) {
      for (ProgressListener l : listeners) {
        l.onProgress(100 * i / steps);
      }
    }
  }

  @Override
  public void addProgressListener(ProgressListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeProgressListener(ProgressListener listener) {
    listeners.remove(listener);
  }
}
