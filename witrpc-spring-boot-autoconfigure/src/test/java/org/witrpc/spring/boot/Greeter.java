package org.witrpc.spring.boot;

/** A second service interface. */
public interface Greeter {
  String greet(String name);
}
