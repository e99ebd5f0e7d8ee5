package org.witrpc.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The builder shape of the transports between processes of one machine ({@code pipe://}, {@code
 * mmf://}): {@link TransportBuilder} plus a send timeout and the {@link PeerPolicy}.
 *
 * <p>Thread safety: not thread-safe; configure a builder in one thread.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class LocalTransportBuilder<B extends LocalTransportBuilder<B>>
    extends TransportBuilder<B> {
  private PeerPolicy peerPolicy = PeerPolicy.sameUser();

  /** For the builders of transports. */
  protected LocalTransportBuilder() {}

  /**
   * How long a send waits for a peer that takes no bytes (a full socket buffer or ring) before the
   * connection is closed as stalled; at least 1 ms. Default 10 s; see {@link
   * TransportOptions#sendTimeout()}.
   */
  public B sendTimeout(Duration sendTimeout) {
    return options(transportOptions().withSendTimeout(sendTimeout));
  }

  /**
   * Also accepts peers running as these users (names or numeric uids; {@code "*"} for any user):
   * for a server, clients of these users (others are refused, with a log line naming their user);
   * for a client, a server running as one of them (else {@link org.witrpc.WitSecurityException}
   * naming the server's user). By default only peers of this process's own user. See {@link
   * PeerPolicy}.
   */
  public B peerUsers(String... users) {
    return peerPolicy(PeerPolicy.sameUserOr(List.of(users)));
  }

  /** Which users a peer may run as; default {@link PeerPolicy#sameUser()}. */
  public B peerPolicy(PeerPolicy policy) {
    this.peerPolicy = Objects.requireNonNull(policy, "policy == null");
    return self();
  }

  /** The peer policy as set so far. */
  protected PeerPolicy currentPeerPolicy() {
    return peerPolicy;
  }
}
