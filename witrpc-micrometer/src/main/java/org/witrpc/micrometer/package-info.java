/**
 * Micrometer metrics for witrpc clients and servers.
 *
 * <pre>{@code
 * WitClient client = WitClient.builder()
 *     .transport("mmf://calc")
 *     .interceptor(new MicrometerClientInterceptor(registry))
 *     .build();
 * new WitClientMetrics(client).bindTo(registry);
 *
 * WitServer server = WitServer.builder()
 *     .service(Calculator.class, new CalculatorImpl())
 *     .transport("mmf://calc")
 *     .interceptor(new MicrometerServerInterceptor(registry))
 *     .build()
 *     .start();
 * WitServerMetrics serverMetrics = new WitServerMetrics(server);
 * serverMetrics.bindTo(registry);
 * // ...
 * server.close();
 * serverMetrics.close(); // removes the server's meters; a client's go when the client closes
 * }</pre>
 *
 * <p>Meters (each side's prefix is {@code witrpc.client} or {@code witrpc.server}):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code <prefix>.calls}</td><td>timer</td><td>service, method, outcome</td></tr>
 *   <tr><td>{@code <prefix>.calls.started}</td><td>counter</td><td>service, method</td></tr>
 *   <tr><td>{@code <prefix>.calls.finished}</td><td>counter</td><td>service, method, outcome</td></tr>
 *   <tr><td>{@code <prefix>.calls.active}</td><td>gauge</td><td>service, method</td></tr>
 *   <tr><td>{@code <prefix>.sent}, {@code <prefix>.received}</td><td>function counter (bytes of
 *   the frames as the transport took and handed them)</td><td>transport (the server's also
 *   address)</td></tr>
 *   <tr><td>{@code witrpc.server.connections}</td><td>gauge</td><td>address</td></tr>
 *   <tr><td>{@code witrpc.client.connection.state}</td><td>gauge (1 for the current state, else
 *   0)</td><td>state</td></tr>
 *   <tr><td>{@code witrpc.client.calls.pending}</td><td>gauge</td><td></td></tr>
 * </table>
 *
 * <p>{@code service} is the interface's fully qualified name, {@code method} the method's name
 * (overloads share their meters), {@code outcome} is {@code OK} or else what the client is told. On
 * the client: the name of the {@link org.witrpc.Status} of a {@link org.witrpc.WitRemoteException}
 * ({@code UNKNOWN} if its code is no {@code Status}), or else the simple class name of the
 * exception that ended the call (for example {@code WitTimeoutException}). On the server ({@link
 * org.witrpc.server.CallContext#answerStatus}): {@code CANCELLED} for a call the client gave up on,
 * the status of a later interceptor's refusal (for example {@code UNAUTHORIZED}), or else the
 * simple class name of what the method threw (for example {@code IllegalArgumentException}; the
 * client gets 500 for it). The interceptors' constructors take tags to add to their meters: give
 * each client (or server) sharing a registry its own, for example {@code Tags.of("client",
 * "calc")}. The built-in {@link org.witrpc.ServerPing} of health checks is metered by neither side.
 */
package org.witrpc.micrometer;
