/**
 * The Unix-domain-socket transport, {@code pipe://NAME}: length-prefixed frames on a socket in the
 * owner-only runtime directory. Registered for {@link java.util.ServiceLoader}; applications name
 * it by URI or build it with {@link org.witrpc.transport.pipes.PipeTransport}.
 */
module org.witrpc.transport.pipes {
  requires transitive org.witrpc;
  requires org.slf4j;

  exports org.witrpc.transport.pipes;

  provides org.witrpc.spi.TransportProvider with
      org.witrpc.transport.pipes.PipeTransportProvider;
}
