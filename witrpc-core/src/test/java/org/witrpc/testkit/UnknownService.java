package org.witrpc.testkit;

/** An interface no test server registers: calls on it must fail with 404. */
public interface UnknownService {
  String nothing();
}
