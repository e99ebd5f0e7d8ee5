/**
 * Test fixtures of the network transports, in the tcp module's test-jar: certificates made at test
 * time and free loopback ports.
 */
package org.witrpc.transport.tcp.testkit;
