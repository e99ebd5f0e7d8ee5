package org.witrpc.spi;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitSecurityException;

/**
 * Which local users the peer of a Unix-domain-socket connection may run as: for a server, whose
 * clients it admits; for a client, as whom its server may run. The peer's user comes from the
 * kernel ({@code SO_PEERCRED} through {@code jdk.net.ExtendedSocketOptions}, JDK 16+, no native
 * code), so a peer cannot lie about it. Both local transports ({@code pipe://}, {@code mmf://})
 * check it right after the socket connects, before a byte of the protocol moves.
 *
 * <p>The default, {@link #sameUser()}, admits only peers of the user this process runs as (its
 * effective uid): a client refuses a server of another user (an impostor that took the name) and a
 * server refuses clients of other users. {@link #sameUserOr} adds users (names or numeric uids, for
 * sidecars that run as another user), {@link #anyUser()} turns the check off, {@link #matching}
 * decides by any predicate. In a URI: {@code ?peerUsers=alice,1001} ({@code *} for any user).
 *
 * <p>Where the platform cannot tell the peer's user (Windows; any JDK without {@code SO_PEERCRED}
 * on Unix domain sockets), nothing is checked: {@link #peerOf} is empty, the transports admit the
 * peer and rely on the runtime directory's permissions alone. Loading this class never fails there.
 *
 * <p>Thread safety: immutable; safe for concurrent use (a predicate given to {@link #matching} must
 * be thread-safe itself).
 */
public final class PeerPolicy {
  /**
   * The URI query option that sets the allowed users: {@code peerUsers=alice,1001} or {@code *}.
   */
  public static final String URI_OPTION = "peerUsers";

  private static final Logger LOG = LoggerFactory.getLogger(PeerPolicy.class);
  private static final PeerPolicy SAME_USER = new PeerPolicy(null, List.of(), "only its own user");
  private static final PeerPolicy ANY_USER = new PeerPolicy(p -> true, List.of(), "any user");

  private final Predicate<UnixDomainPrincipal> predicate; // null: same user or one of users
  private final List<String> users;
  private final String description;

  private PeerPolicy(
      Predicate<UnixDomainPrincipal> predicate, List<String> users, String description) {
    this.predicate = predicate;
    this.users = users;
    this.description = description;
  }

  /** Only peers running as this process's user. The default of both local transports. */
  public static PeerPolicy sameUser() {
    return SAME_USER;
  }

  /** Any peer: no check (the runtime directory's permissions still apply). */
  public static PeerPolicy anyUser() {
    return ANY_USER;
  }

  /**
   * Peers running as this process's user or as one of {@code users}: user names, or numeric uids as
   * the kernel reports them (for a uid without a name on this machine, as in many containers).
   *
   * @throws IllegalArgumentException if {@code users} is empty or has an empty entry
   */
  public static PeerPolicy sameUserOr(Collection<String> users) {
    Objects.requireNonNull(users, "users == null");
    List<String> list = new ArrayList<>();
    for (String u : users) {
      String user = Objects.requireNonNull(u, "a user == null").trim();
      if (user.isEmpty()) {
        throw new IllegalArgumentException("an empty user name in " + users);
      }
      if (user.equals("*")) {
        return ANY_USER;
      }
      list.add(user);
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no users given; use sameUser() for the default");
    }
    return new PeerPolicy(null, List.copyOf(list), "its own user or " + String.join(", ", list));
  }

  /**
   * Peers for which {@code allowed} returns true, and no others (not even this process's own user
   * unless the predicate says so). {@code description} names the rule in error messages and logs.
   */
  public static PeerPolicy matching(Predicate<UnixDomainPrincipal> allowed, String description) {
    Objects.requireNonNull(allowed, "allowed == null");
    Objects.requireNonNull(description, "description == null");
    return new PeerPolicy(allowed, List.of(), description);
  }

  /**
   * The policy of a {@value #URI_OPTION} URI option: {@code *} for any user, else a comma-separated
   * list of user names and numeric uids, added to this process's own user.
   *
   * @throws IllegalArgumentException if the value is empty or has an empty entry
   */
  public static PeerPolicy parse(String option) {
    Objects.requireNonNull(option, "option == null");
    if (option.isBlank()) {
      throw new IllegalArgumentException(
          URI_OPTION + " is empty; give user names or uids (alice,1001) or * for any user");
    }
    List<String> users = new ArrayList<>();
    for (String part : option.split(",", -1)) {
      if (part.isBlank()) {
        throw new IllegalArgumentException(
            URI_OPTION + " '" + option + "' has an empty entry; expected for example alice,1001");
      }
      users.add(part.trim());
    }
    return sameUserOr(users);
  }

  /** True if a peer running as {@code peer} may connect. */
  public boolean allows(UnixDomainPrincipal peer) {
    Objects.requireNonNull(peer, "peer == null");
    if (predicate != null) {
      return predicate.test(peer);
    }
    UserPrincipal user = peer.user();
    if (CurrentUser.PRINCIPAL.isEmpty() || CurrentUser.PRINCIPAL.get().equals(user)) {
      return true; // own user; or it cannot be known here (warned once), so it cannot be checked
    }
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    for (String allowed : users) {
      if (allowed.equals(user.getName())) {
        return true;
      }
      try {
        // principals are equal when their uids are: "1001" matches the user named alice (1001)
        if (lookup.lookupPrincipalByName(allowed).equals(user)) {
          return true;
        }
      } catch (IOException | UnsupportedOperationException unknown) {
        // no such user on this machine: it matches only by name, above
      }
    }
    return false;
  }

  /**
   * The peer's credentials as the kernel reports them, or empty where this platform or JDK cannot
   * tell (then nothing can be checked).
   */
  public static Optional<UnixDomainPrincipal> peerOf(SocketChannel channel) {
    Objects.requireNonNull(channel, "channel == null");
    Optional<SocketOption<UnixDomainPrincipal>> option = PeerCredOption.OPTION;
    if (option.isEmpty() || !channel.supportedOptions().contains(option.get())) {
      return Optional.empty();
    }
    try {
      return Optional.of(channel.getOption(option.get()));
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot read the peer credentials of {}: {}", channel, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Checks the peer of {@code channel}: empty if it may connect (or if its user cannot be known
   * here), else the peer's user name (a numeric uid where it has no name).
   */
  public Optional<String> refusedPeer(SocketChannel channel) {
    Optional<UnixDomainPrincipal> peer = peerOf(channel);
    if (peer.isEmpty()) {
      if (this != ANY_USER) {
        LOG.debug("peer credentials unavailable here; not checking the peer of {}", channel);
      }
      return Optional.empty();
    }
    return allows(peer.get()) ? Optional.empty() : Optional.of(peer.get().user().getName());
  }

  /**
   * For a client: refuses the server on {@code channel} if it runs as a user this policy does not
   * allow, before a byte is read from it, with a message that names the user and how to allow it.
   *
   * @param address the server's address, for example {@code pipe://calc}
   * @throws WitSecurityException if the server's user is not allowed
   */
  public void checkServer(SocketChannel channel, String address) {
    Optional<String> stranger = refusedPeer(channel);
    if (stranger.isPresent()) {
      String user = stranger.get();
      throw new WitSecurityException(
          "refusing server "
              + address
              + ": it runs as user '"
              + user
              + "', and this client accepts "
              + this
              + " (it could be an impostor that took the name). If it is meant to run as '"
              + user
              + "' (a sidecar), allow it: "
              + address
              + "?"
              + URI_OPTION
              + "="
              + user
              + ", or peerUsers(\""
              + user
              + "\") on the transport builder");
    }
  }

  /** The user this process runs as, by name (a numeric uid where it has no name), if known. */
  public static Optional<String> currentUser() {
    return CurrentUser.PRINCIPAL.map(UserPrincipal::getName);
  }

  /** Says whom the policy admits, for messages: "only its own user", "its own user or alice". */
  @Override
  public String toString() {
    return description;
  }

  /** {@code SO_PEERCRED}, resolved once; empty where the JDK has no {@code jdk.net} module. */
  private static final class PeerCredOption {
    static final Optional<SocketOption<UnixDomainPrincipal>> OPTION = resolve();

    private static Optional<SocketOption<UnixDomainPrincipal>> resolve() {
      try {
        return Optional.of(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
      } catch (LinkageError missing) {
        return Optional.empty();
      }
    }
  }

  /**
   * This process's effective user, as a principal comparable with a peer's: the owner of {@code
   * /proc/self} (Linux), else of a temporary file created for the purpose, else the user named by
   * {@code user.name}.
   */
  private static final class CurrentUser {
    static final Optional<UserPrincipal> PRINCIPAL = resolve();

    private static Optional<UserPrincipal> resolve() {
      try {
        Path self = Path.of("/proc/self");
        if (Files.isDirectory(self)) {
          return Optional.of(Files.getOwner(self));
        }
        Path probe = Files.createTempFile("witrpc-uid", ".tmp");
        try {
          return Optional.of(Files.getOwner(probe));
        } finally {
          Files.deleteIfExists(probe);
        }
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        try {
          return Optional.of(
              FileSystems.getDefault()
                  .getUserPrincipalLookupService()
                  .lookupPrincipalByName(System.getProperty("user.name", "")));
        } catch (IOException | UnsupportedOperationException | SecurityException again) {
          LOG.warn("cannot tell which user this process runs as: {}", again.toString());
          return Optional.empty();
        }
      }
    }
  }
}
