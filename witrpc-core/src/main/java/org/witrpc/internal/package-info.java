/**
 * witrpc's wire and crypto internals: the envelope codec, handshake, key exchange and frame cipher,
 * frame buffers, method descriptors, the per-connection outbound queue and a thread-kind check
 * ({@link org.witrpc.internal.Threads}), shared by the server and the client; and the helpers
 * witrpc's own modules share: the range of every setting ({@link org.witrpc.internal.Limits}), the
 * parsers of sizes and durations ({@link org.witrpc.internal.Sizes}, {@link
 * org.witrpc.internal.Durations}), and for the transports the send budget and checks ({@link
 * org.witrpc.internal.SendBudget}, {@link org.witrpc.internal.SendChecks}), the growth of large
 * frames' buffers ({@link org.witrpc.internal.FrameBufferGrowth}), the local transports' Unix
 * socket listener and stale socket sweep ({@link org.witrpc.internal.UnixSocketListener}, {@link
 * org.witrpc.internal.StaleSockets}) and the log throttle for unauthenticated peers ({@link
 * org.witrpc.internal.WarningThrottle}).
 *
 * <p>Not API: applications and third-party transports must not use this package. The module exports
 * it only to witrpc's own modules, and anything here may change in any release.
 */
package org.witrpc.internal;
