package org.witrpc.testkit;

/** An enum for round-trip tests of the shared RPC contract. */
public enum Color {
  RED,
  GREEN,
  BLUE
}
