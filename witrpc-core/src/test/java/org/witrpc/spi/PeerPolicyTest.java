package org.witrpc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import jdk.net.UnixDomainPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Who may be the peer of a local socket: the policy's rules and the {@code peerUsers} syntax. */
class PeerPolicyTest {
  private static final UserPrincipalLookupService LOOKUP =
      FileSystems.getDefault().getUserPrincipalLookupService();

  @TempDir Path dir;

  /** A peer running as numeric uid {@code uid} (as the JDK builds it from SO_PEERCRED). */
  private static UnixDomainPrincipal peer(String uid) throws IOException {
    return new UnixDomainPrincipal(
        LOOKUP.lookupPrincipalByName(uid), LOOKUP.lookupPrincipalByGroupName(uid));
  }

  /** A peer running as the owner of a file this test created: this process's user. */
  private UnixDomainPrincipal me() throws IOException {
    UserPrincipal owner = Files.getOwner(Files.createTempFile(dir, "mine", ".tmp"));
    return new UnixDomainPrincipal(owner, LOOKUP.lookupPrincipalByGroupName("0"));
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void theDefaultAllowsOnlyThisProcesssUser() throws IOException {
    assertThat(PeerPolicy.sameUser().allows(me())).isTrue();
    assertThat(PeerPolicy.sameUser().allows(peer("54321"))).isFalse();
    assertThat(PeerPolicy.sameUser()).hasToString("only its own user");
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void listedUsersAreAddedByNameOrUid() throws IOException {
    PeerPolicy policy = PeerPolicy.parse("54321, alice-does-not-exist");
    assertThat(policy.allows(peer("54321"))).isTrue();
    assertThat(policy.allows(me())).isTrue();
    assertThat(policy.allows(peer("54322"))).isFalse();
    assertThat(policy).hasToString("its own user or 54321, alice-does-not-exist");
    // a uid matches the user of that uid whatever its name: uid 0 is root on every machine
    assertThat(PeerPolicy.sameUserOr(List.of("0")).allows(peer("0"))).isTrue();
    assertThat(PeerPolicy.sameUserOr(List.of("root")).allows(peer("0"))).isTrue();
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void aPredicateDecidesAloneAndAStarAllowsAnyone() throws IOException {
    PeerPolicy nobody = PeerPolicy.matching(p -> false, "nobody");
    assertThat(nobody.allows(me())).isFalse();
    assertThat(nobody).hasToString("nobody");
    assertThat(PeerPolicy.parse("*")).isSameAs(PeerPolicy.anyUser());
    assertThat(PeerPolicy.parse("alice,*")).isSameAs(PeerPolicy.anyUser());
    assertThat(PeerPolicy.anyUser().allows(peer("54321"))).isTrue();
  }

  @Test
  void malformedOptionsAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> PeerPolicy.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peerUsers is empty");
    assertThatThrownBy(() -> PeerPolicy.parse("alice,,1001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty entry");
    assertThatThrownBy(() -> PeerPolicy.sameUserOr(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void theKernelReportsThePeerOfARealSocket() throws IOException {
    Path socket = dir.resolve("p.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
          SocketChannel accepted = server.accept()) {
        assertThat(PeerPolicy.peerOf(accepted))
            .get()
            .extracting(UnixDomainPrincipal::user)
            .isEqualTo(me().user());
        assertThat(PeerPolicy.peerOf(client))
            .get()
            .extracting(UnixDomainPrincipal::user)
            .isEqualTo(me().user());
        assertThat(PeerPolicy.sameUser().refusedPeer(accepted)).isEmpty();
        assertThat(PeerPolicy.matching(p -> false, "nobody").refusedPeer(client))
            .contains(me().user().getName());
        assertThat(PeerPolicy.currentUser()).contains(me().user().getName());
      }
    }
  }
}
