/**
 * Test fixtures of the network transports, in the tcp module's test-jar: certificates made at test
 * time, free loopback ports, and the suites that {@code tcp://} and {@code ws://} share (TLS,
 * heartbeats, idle-socket floods, conformance and RPC contract with TLS).
 */
package org.witrpc.transport.tcp.testkit;
