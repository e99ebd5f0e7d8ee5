/**
 * The Unix-domain-socket transport {@code pipe://NAME}: {@link
 * org.witrpc.transport.pipes.PipeTransport} builds it in code; {@link
 * org.witrpc.transport.pipes.PipeTransportProvider} registers the scheme for {@link
 * java.util.ServiceLoader}. Framing and I/O are package-private; the wire format is in
 * docs/transport-pipes.md.
 */
package org.witrpc.transport.pipes;
