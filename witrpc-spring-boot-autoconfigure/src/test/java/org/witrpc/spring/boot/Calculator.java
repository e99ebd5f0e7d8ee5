package org.witrpc.spring.boot;

/** The service the tests serve and call. */
public interface Calculator {
  int add(int a, int b);

  /** Waits until the test lets it go, then answers; a call in flight for shutdown tests. */
  String slow(String s);
}
