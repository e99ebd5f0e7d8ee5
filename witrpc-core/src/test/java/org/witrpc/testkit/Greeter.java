package org.witrpc.testkit;

/** The other half of a composite service in the shared RPC contract. */
public interface Greeter {
  String greet(String name);
}
