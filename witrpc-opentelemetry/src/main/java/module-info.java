/**
 * OpenTelemetry tracing for witrpc: {@link org.witrpc.opentelemetry.OpenTelemetryClientInterceptor}
 * starts a CLIENT span per call and sends its W3C trace context in the call's metadata; {@link
 * org.witrpc.opentelemetry.OpenTelemetryServerInterceptor} continues that trace with a SERVER span.
 * Client and server are both optional: an application requires the one it uses.
 */
// opentelemetry-api is an automatic module (io.opentelemetry.api, from its manifest): transitive,
// since the API takes its OpenTelemetry.
@SuppressWarnings("requires-transitive-automatic")
module org.witrpc.opentelemetry {
  requires transitive org.witrpc;
  requires static transitive org.witrpc.client;
  requires static transitive org.witrpc.server;
  requires transitive io.opentelemetry.api;
  requires io.opentelemetry.context;

  exports org.witrpc.opentelemetry;
}
