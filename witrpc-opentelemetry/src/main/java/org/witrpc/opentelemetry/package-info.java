/**
 * OpenTelemetry tracing for witrpc clients and servers, with the RPC semantic conventions.
 *
 * <pre>{@code
 * OpenTelemetry otel = ...; // the application's, with the W3C trace context propagator
 * WitClient client = WitClient.builder()
 *     .transport("mmf://calc")
 *     .interceptor(new OpenTelemetryClientInterceptor(otel))
 *     .build();
 * WitServer server = WitServer.builder()
 *     .service(Calculator.class, new CalculatorImpl())
 *     .transport("mmf://calc")
 *     .interceptor(new OpenTelemetryServerInterceptor(otel))
 *     .build();
 * }</pre>
 *
 * <p>Each call (but the built-in {@link org.witrpc.ServerPing} of health checks, which neither side
 * traces) has a CLIENT span on the client and a SERVER span, its child, on the server, named {@code
 * service/method} (the interface's fully qualified name and the method's name), with the attributes
 * {@code rpc.system} ({@code witrpc}), {@code rpc.service}, {@code rpc.method}, {@code
 * rpc.witrpc.status_code} (the {@link org.witrpc.Status} code of the reply, where there is one; on
 * the server, the status the client is told: {@link org.witrpc.server.CallContext#answerStatus})
 * and, for a failed call, {@code error.type} (the exception's class name), the span status {@code
 * ERROR} and the exception as an event. A call the client gave up on is 499 on the server's span,
 * with no error status: the server did not fail. A result that cannot be encoded or sent is
 * answered 500 after the interceptors have returned; the span shows the method's outcome. The trace
 * context travels in the call's {@link org.witrpc.Metadata} under the keys of the propagator of the
 * {@code OpenTelemetry} given (with the W3C propagator, {@code traceparent} and {@code
 * tracestate}).
 *
 * <p>Events (the server's calls of a client's listeners) and subscribe / unsubscribe calls pass no
 * interceptor, so they have no spans.
 */
package org.witrpc.opentelemetry;
