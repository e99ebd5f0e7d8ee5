package com.example.calc.api;

/**
 * The service the worker serves and the host calls: a plain Java interface, shared by both.
 *
 * <p>Thread safety: implementations must be thread-safe.
 */
public interface Calculator {
  /** The sum of {@code a} and {@code b}. */
  int add(int a, int b);

  /** The process id of the JVM that answers (the worker's). */
  long pid();
}
