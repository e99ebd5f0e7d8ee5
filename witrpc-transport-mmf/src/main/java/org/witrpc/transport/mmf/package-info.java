/**
 * The shared-memory transport {@code mmf://NAME}: {@link org.witrpc.transport.mmf.MmfTransport}
 * builds it in code; {@link org.witrpc.transport.mmf.MmfTransportProvider} registers the scheme for
 * {@link java.util.ServiceLoader}. The ring buffers, rendezvous and doorbell are package-private;
 * how they work is in docs/transport-mmf.md.
 */
package org.witrpc.transport.mmf;
