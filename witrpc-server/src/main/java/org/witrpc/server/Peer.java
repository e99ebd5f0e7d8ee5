package org.witrpc.server;

import java.net.SocketAddress;
import java.security.Principal;
import java.util.Optional;

/**
 * The client at the other end of a call's connection, as the server knows it: the transport, the
 * connection's description, its network address (on {@code tcp://} and {@code ws://}), whether its
 * access token was checked, and the identity its transport authenticated.
 *
 * <p>The local transports know no process id of the peer: the JDK's {@code SO_PEERCRED} option
 * gives the peer's user and group only, and the {@code mmf://} rendezvous does not carry one; their
 * peer is always a process of this machine running as a user the server allows.
 *
 * <p>The local transports ({@code mmf://}, {@code pipe://}, {@code mem://}) authenticate the peer's
 * user through the owner-only runtime directory and the peer-credential check, not an identity the
 * peer proves, so {@link #principal()} is empty there; on {@code tcp://} and {@code wss://} with
 * mutual TLS it is the subject of the client's certificate.
 *
 * <p>Thread safety: immutable.
 */
public final class Peer {
  private final String transport;
  private final String description;
  private final boolean tokenVerified;
  private final Principal principal;
  private final SocketAddress address;

  Peer(
      String description,
      boolean tokenVerified,
      Optional<Principal> principal,
      Optional<SocketAddress> address) {
    int scheme = description.indexOf("://");
    this.transport = scheme > 0 ? description.substring(0, scheme) : description;
    this.description = description;
    this.tokenVerified = tokenVerified;
    this.principal = principal.orElse(null);
    this.address = address.orElse(null);
  }

  /** The transport's URI scheme, for example {@code mmf}, {@code pipe} or {@code tcp}. */
  public String transport() {
    return transport;
  }

  /**
   * The transport's description of the connection, for example {@code pipe://calc#3}: the server
   * address and the connection's number, as in the server's log lines.
   */
  public String description() {
    return description;
  }

  /**
   * True if the server checks access tokens ({@code WitServer.Builder.accessToken} or {@code
   * tokenValidator}) and this client's token passed: the token validator's result (or the bound or
   * compared static token). False on a server that accepts every client.
   */
  public boolean tokenVerified() {
    return tokenVerified;
  }

  /**
   * The identity the transport authenticated for the client: the subject of its TLS certificate
   * under mutual TLS ({@code org.witrpc.spi.Connection#peerPrincipal()}); empty otherwise.
   */
  public Optional<Principal> principal() {
    return Optional.ofNullable(principal);
  }

  /**
   * The client's network address: on {@code tcp://} and {@code ws://} the remote socket address (an
   * {@link java.net.InetSocketAddress}; behind a reverse proxy, the proxy's); empty on the local
   * transports ({@code org.witrpc.spi.Connection#peerAddress()}).
   */
  public Optional<SocketAddress> address() {
    return Optional.ofNullable(address);
  }

  @Override
  public String toString() {
    return description + (principal != null ? " (" + principal.getName() + ")" : "");
  }
}
