/**
 * The shared-memory transport, {@code mmf://NAME}: frames through memory-mapped ring buffers in the
 * owner-only runtime directory, with a Unix-socket rendezvous and doorbell. Registered for {@link
 * java.util.ServiceLoader}; applications name it by URI or build it with {@link
 * org.witrpc.transport.mmf.MmfTransport}.
 */
module org.witrpc.transport.mmf {
  requires transitive org.witrpc;
  requires org.slf4j;

  exports org.witrpc.transport.mmf;

  provides org.witrpc.spi.TransportProvider with
      org.witrpc.transport.mmf.MmfTransportProvider;
}
