package org.witrpc.server;

import java.security.Principal;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How a server checks the identity a transport authenticated for the peer (the subject of a client
 * certificate under mutual TLS): by the user's validator, or not at all. Checked when the client
 * authorizes (AUTH), together with its access token.
 *
 * <p>Thread safety: immutable; the user's validator must be thread-safe itself.
 */
final class PeerCheck {
  static final PeerCheck NONE = new PeerCheck(null);

  private final Predicate<Principal> validator;

  private PeerCheck(Predicate<Principal> validator) {
    this.validator = validator;
  }

  /** A check by {@code validator}, or none when it is null. */
  static PeerCheck of(Predicate<Principal> validator) {
    return validator == null ? NONE : new PeerCheck(validator);
  }

  /**
   * Why the peer is refused, or empty if it is accepted. A peer without an authenticated identity
   * is refused whenever a validator is set. May throw (the user's validator).
   */
  Optional<String> refusal(Optional<Principal> peer) {
    if (validator == null) {
      return Optional.empty();
    }
    if (peer.isEmpty()) {
      return Optional.of(
          "the server requires an authenticated peer identity (a client certificate under"
              + " mutual TLS)");
    }
    return validator.test(peer.get())
        ? Optional.empty()
        : Optional.of("peer identity refused: " + peer.get().getName());
  }
}
