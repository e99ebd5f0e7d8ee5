package org.witrpc.server;

import java.security.Principal;
import java.util.Optional;

/**
 * The client at the other end of a call's connection, as the server knows it: the transport, the
 * connection's description, whether its access token was checked, and the identity its transport
 * authenticated.
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

  Peer(String description, boolean tokenVerified, Optional<Principal> principal) {
    int scheme = description.indexOf("://");
    this.transport = scheme > 0 ? description.substring(0, scheme) : description;
    this.description = description;
    this.tokenVerified = tokenVerified;
    this.principal = principal.orElse(null);
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

  @Override
  public String toString() {
    return description + (principal != null ? " (" + principal.getName() + ")" : "");
  }
}
