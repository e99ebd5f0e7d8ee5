/**
 * The transport and serializer SPI: what a transport implements ({@link
 * org.witrpc.spi.TransportProvider}, {@link org.witrpc.spi.ServerTransport}, {@link
 * org.witrpc.spi.ClientTransport}, {@link org.witrpc.spi.Connection}), its options ({@link
 * org.witrpc.spi.TransportOptions}, {@link org.witrpc.spi.TransportUri}) and the helpers every
 * local transport shares (the owner-only {@link org.witrpc.spi.RuntimeDirectory}, {@link
 * org.witrpc.spi.PeerPolicy}).
 *
 * <p>Applications use it only to pass options or a custom {@link org.witrpc.spi.Serializer};
 * implementers of a new transport use all of it, and prove their transport with the conformance
 * suites in witrpc-core's and witrpc-client's test-jars (see docs/ARCHITECTURE.md). The helpers
 * witrpc's own transports share beyond these (send budgets, frame buffer growth, the Unix socket
 * listener, log throttling, the parsers and range checks of settings) are internal, not SPI.
 */
package org.witrpc.spi;
