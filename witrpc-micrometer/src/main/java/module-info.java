/**
 * Micrometer metrics for witrpc: {@link org.witrpc.micrometer.MicrometerClientInterceptor} and
 * {@link org.witrpc.micrometer.MicrometerServerInterceptor} time calls and count them per service,
 * method and outcome; {@link org.witrpc.micrometer.WitClientMetrics} and {@link
 * org.witrpc.micrometer.WitServerMetrics} bind a client's connection state and a server's
 * connection count. Client and server are both optional: an application requires the one it uses.
 */
// micrometer-core is an automatic module (micrometer.core, from its manifest): transitive, since
// the API takes its MeterRegistry and implements its MeterBinder.
@SuppressWarnings("requires-transitive-automatic")
module org.witrpc.micrometer {
  requires transitive org.witrpc;
  requires static transitive org.witrpc.client;
  requires static transitive org.witrpc.server;
  requires transitive micrometer.core;

  exports org.witrpc.micrometer;
}
