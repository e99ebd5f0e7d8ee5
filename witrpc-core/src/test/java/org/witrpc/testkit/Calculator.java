package org.witrpc.testkit;

/** One half of a composite service in the shared RPC contract. */
public interface Calculator {
  int add(int a, int b);

  long multiply(long a, long b);
}
