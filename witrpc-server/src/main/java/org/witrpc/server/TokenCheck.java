package org.witrpc.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Predicate;
import org.witrpc.internal.SessionKeys;

/**
 * How a server checks the access token of AUTH: by a static token compared in constant time, by the
 * user's validator, or not at all. A static token on an encrypted server is also bound into the key
 * schedule ({@link #binding()}): such a server proves that it knows the token and never receives
 * it. A validator must see the token, so a validating server cannot bind.
 *
 * <p>Thread safety: immutable; the user's validator must be thread-safe itself.
 */
final class TokenCheck {
  private final Predicate<String> validator;
  private final byte[] binding;
  private final boolean verifies;

  private TokenCheck(Predicate<String> validator, byte[] binding, boolean verifies) {
    this.validator = validator;
    this.binding = binding;
    this.verifies = verifies;
  }

  /**
   * The check of a server: {@code tokenValidator} wins over {@code accessToken}; both null accepts
   * every client.
   */
  static TokenCheck of(String accessToken, Predicate<String> tokenValidator, boolean encryption) {
    if (tokenValidator != null) {
      return new TokenCheck(tokenValidator, null, true);
    }
    if (accessToken == null) {
      return new TokenCheck(token -> true, null, false);
    }
    byte[] expected = accessToken.getBytes(StandardCharsets.UTF_8);
    Predicate<String> equal =
        token -> MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8));
    boolean bind = encryption && !accessToken.isEmpty();
    return new TokenCheck(equal, bind ? SessionKeys.tokenBinding(accessToken) : null, true);
  }

  /** Whether a token sent in AUTH ("" when none) is accepted; may throw (the user's validator). */
  boolean test(String token) {
    return validator.test(token);
  }

  /** The token's contribution to the key schedule, if this server binds its token. */
  Optional<byte[]> binding() {
    return Optional.ofNullable(binding).map(byte[]::clone);
  }

  /** True if this check refuses some tokens: a static token or a validator. */
  boolean verifies() {
    return verifies;
  }

  /** True if this server binds its token (HELLO_ACK flags bit 1). */
  boolean binds() {
    return binding != null;
  }
}
