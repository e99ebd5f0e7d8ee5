/**
 * witrpc's core: the API every application sees ({@code org.witrpc}: exceptions, status codes,
 * serializers, the {@code @Listener} and {@code @Idempotent} annotations, the in-process {@code
 * mem://} transport) and the transport SPI ({@code org.witrpc.spi}) that transports implement.
 *
 * <p>The wire and crypto internals ({@code org.witrpc.internal}) are exported only to witrpc's own
 * server and client modules; they are not API and change without notice. Transports are found
 * through {@link java.util.ServiceLoader}: a transport module {@code provides} {@link
 * org.witrpc.spi.TransportProvider}.
 */
module org.witrpc {
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires com.fasterxml.jackson.datatype.jsr310;
  // msgpack-java has no module descriptor and no Automatic-Module-Name: these are the names the
  // JDK derives from its jar file names.
  requires jackson.dataformat.msgpack;
  requires msgpack.core;
  requires org.bouncycastle.provider;
  requires transitive org.slf4j; // org.witrpc.spi.WarningThrottle logs to a transport's Logger
  requires transitive jdk.net;

  exports org.witrpc;
  exports org.witrpc.spi;
  exports org.witrpc.internal to
      org.witrpc.server,
      org.witrpc.client;

  uses org.witrpc.spi.TransportProvider;

  provides org.witrpc.spi.TransportProvider with
      org.witrpc.internal.MemTransportProvider;
}
