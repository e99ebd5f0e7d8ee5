/**
 * witrpc's core: the API every application sees ({@code org.witrpc}: exceptions, status codes,
 * serializers, the {@code @Listener} and {@code @Idempotent} annotations, the in-process {@code
 * mem://} transport) and the transport SPI ({@code org.witrpc.spi}) that transports implement.
 *
 * <p>The wire and crypto internals and the helpers witrpc's own transports share ({@code
 * org.witrpc.internal}) are exported only to witrpc's own modules (server, client, process, the
 * transports and the Spring Boot integration); they are not API and change without notice.
 * Transports are found through {@link java.util.ServiceLoader}: a transport module {@code provides}
 * {@link org.witrpc.spi.TransportProvider}.
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
  requires transitive org.slf4j; // the Logger parameters of org.witrpc.internal.WarningThrottle
  requires transitive jdk.net;

  exports org.witrpc;
  exports org.witrpc.spi;
  // Not API: witrpc's own modules only (org.witrpc.spring.boot is the Automatic-Module-Name of
  // witrpc-spring-boot-autoconfigure).
  exports org.witrpc.internal to
      org.witrpc.server,
      org.witrpc.client,
      org.witrpc.process,
      org.witrpc.transport.mmf,
      org.witrpc.transport.pipes,
      org.witrpc.transport.tcp,
      org.witrpc.transport.websocket,
      org.witrpc.spring.boot;

  uses org.witrpc.spi.TransportProvider;

  provides org.witrpc.spi.TransportProvider with
      org.witrpc.internal.MemTransportProvider;
}
