package org.witrpc.client;

import java.util.concurrent.CompletableFuture;

/** What a service method sees of its call: metadata, deadline, peer, cancellation. */
public interface ContextService {
  /** The string value of metadata {@code key} the call carried, or null. */
  String metadata(String key);

  /** The length of binary metadata {@code key}, or -1. */
  int binaryLength(String key);

  /** Milliseconds from now to the call's deadline, or -1 if it has none. */
  long deadlineMillisLeft();

  /** The transport scheme of the caller's connection. */
  String peerTransport();

  /**
   * The caller's network address as {@code loopback:PORT} or {@code other:PORT}, or "" if the
   * server knows none.
   */
  String peerAddress();

  /** Waits (up to 30 s) until interrupted; records how it ended under {@code id}. */
  String block(String id);

  /** As {@link #block}, on the server's thread, before returning a completed future. */
  CompletableFuture<String> blockAsync(String id);
}
