/**
 * Test fixtures shared by every module's tests through witrpc-core's test-jar: the test service
 * interfaces and implementations, the transport conformance suite ({@link
 * org.witrpc.testkit.AbstractTransportTest}) and hostile peers. Test code only.
 */
package org.witrpc.testkit;
