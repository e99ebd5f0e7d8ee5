package org.witrpc.testkit;

/** A generic record for round-trip tests of the shared RPC contract. */
public record ComplexNumber<A, B>(A real, B imaginary) {}
