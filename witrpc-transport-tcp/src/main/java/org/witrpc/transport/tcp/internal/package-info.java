/**
 * Not API: the Netty machinery that witrpc's network transports share (the listening server and its
 * admission, the builders' network settings, the connection adapter, frame delivery, frame limits,
 * heartbeats, event loops, TLS contexts and failures, the URI options parser). Exported only to
 * {@code org.witrpc.transport.websocket}; it may change in any release.
 */
package org.witrpc.transport.tcp.internal;
