/**
 * witrpc's wire and crypto internals: the envelope codec, handshake, key exchange and frame cipher,
 * frame buffers, method descriptors, the per-connection outbound queue and a thread-kind check
 * ({@link org.witrpc.internal.Threads}), shared by the server and the client.
 *
 * <p>Not API: applications must not use this package. The module exports it only to witrpc's own
 * modules, and anything here may change in any release.
 */
package org.witrpc.internal;
