package org.witrpc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.RuntimeDirectory;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;

/**
 * What every transport that listens on a Unix domain socket in the runtime directory ({@code
 * pipe://}, {@code mmf://}) promises about its socket file and its peers, with the kernel's real
 * credentials: the socket is owner-only and removed on close (but never when another server has
 * replaced it), a socket left by a dead server is replaced, a file that is not a socket is not, and
 * the peer-user check refuses clients and servers of users the policy does not admit. Tests cannot
 * switch users, so "another user" is a policy that does not admit this process's own user.
 *
 * <p>A transport's tests extend it and say how to build its server and client for a name in the
 * default runtime directory.
 *
 * <p>Thread safety: JUnit creates one instance per test; not shared between threads.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractLocalTransportTest {
  /** How long a test waits for something that should happen at once. */
  protected static final Duration AWAIT = Duration.ofSeconds(5);

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final PeerPolicy NOBODY = PeerPolicy.matching(p -> false, "nobody");
  private static final PeerPolicy ONLY_54321 =
      PeerPolicy.matching(p -> p.user().getName().equals("54321"), "only uid 54321");

  private final String me = PeerPolicy.currentUser().orElseThrow();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** The URI scheme, for example {@code pipe}. */
  protected abstract String scheme();

  /** The transport's provider, for URIs. */
  protected abstract TransportProvider provider();

  /** An unstarted server transport for {@code name} in the default runtime directory. */
  protected abstract ServerTransport newServer(String name, PeerPolicy policy);

  /** A client transport for {@code name} in the default runtime directory. */
  protected abstract ClientTransport newClient(String name, PeerPolicy policy);

  /** The socket file a server of {@code name} listens on. */
  protected abstract Path socketPath(String name);

  /** A short name no other test uses. */
  protected String uniqueName() {
    return "lt" + Long.toString(ProcessHandle.current().pid(), 36) + "-" + NAMES.incrementAndGet();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends ServerTransport> T serve(T server) {
    closeables.add(server);
    server.start(c -> new RecordingListener());
    return server;
  }

  private Connection connect(ClientTransport client) {
    Connection c = client.connect(new RecordingListener(), AWAIT);
    closeables.add(c::close);
    return c;
  }

  /** A socket file whose listener is gone, as a killed server leaves it. */
  private static void leaveDeadSocket(Path socket) throws Exception {
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the socket file

  @Test
  void theSocketFileIsOwnerOnlyInAnOwnerOnlyDirectoryAndRemovedOnClose() throws Exception {
    String name = uniqueName();
    ServerTransport server = serve(newServer(name, PeerPolicy.sameUser()));
    Path socket = socketPath(name);

    assertThat(socket.getParent()).isEqualTo(RuntimeDirectory.defaultDirectory());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
        .isEqualTo("rw-------");

    server.close();
    assertThat(socket).doesNotExist();
  }

  @Test
  void aSocketLeftByADeadServerIsReplaced() throws Exception {
    String name = uniqueName();
    leaveDeadSocket(socketPath(name));
    assertThat(socketPath(name)).as("closing a listener leaves its socket file").exists();

    serve(newServer(name, PeerPolicy.sameUser()));

    assertThat(connect(newClient(name, PeerPolicy.sameUser())).isOpen()).isTrue();
  }

  @Test
  void aFileThatIsNotASocketIsNeitherReplacedNorDeleted() throws Exception {
    String name = uniqueName();
    Path socket = socketPath(name);
    Files.writeString(socket, "not a socket");
    try {
      ServerTransport server = newServer(name, PeerPolicy.sameUser());
      closeables.add(server);
      assertThatThrownBy(() -> server.start(c -> new RecordingListener()))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining(socket.toString())
          .hasMessageContaining("not a socket");
      assertThat(Files.readString(socket)).isEqualTo("not a socket");
    } finally {
      Files.deleteIfExists(socket);
    }
  }

  @Test
  void closeLeavesASocketFileThatAnotherServerPutInItsPlace() throws Exception {
    String name = uniqueName();
    Path socket = socketPath(name);
    ServerTransport server = serve(newServer(name, PeerPolicy.sameUser()));
    Files.delete(socket); // as an administrator might, before starting another server there
    try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      other.bind(UnixDomainSocketAddress.of(socket));

      server.close();

      assertThat(socket).as("the other server's socket").exists();
    } finally {
      Files.deleteIfExists(socket);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // peer users

  @Test
  void aServerRefusesAClientOfAUserItDoesNotAdmitAndLogsTheUser() {
    String name = uniqueName();
    serve(newServer(name, NOBODY));
    try (StderrCapture log = StderrCapture.start()) {
      assertThatThrownBy(() -> connect(newClient(name, PeerPolicy.sameUser())))
          .isInstanceOf(WitSecurityException.class)
          .hasMessageContaining("refused the connection")
          .hasMessageContaining("does not admit clients running as user '" + me + "'");
      assertThat(
              log.awaitContains(
                  "refusing a client running as user '" + me + "': this server admits nobody",
                  AWAIT))
          .as("the server's log line")
          .isTrue();
    }
  }

  @Test
  void manyRefusedClientsOfAUserItDoesNotAdmitWriteOneWarnLine() {
    String name = uniqueName();
    serve(newServer(name, NOBODY));
    String line = "refusing a client running as user '" + me + "'";
    try (StderrCapture log = StderrCapture.start()) {
      for (int i = 0; i < 50; i++) {
        // the server logs before it writes the refusal the client waits for
        assertThatThrownBy(() -> connect(newClient(name, PeerPolicy.sameUser())))
            .isInstanceOf(WitSecurityException.class);
      }
      assertThat(log.text().lines().filter(l -> l.contains(" WARN ") && l.contains(line)))
          .as("WARN lines for 50 refusals (then DEBUG for %s s)", WarningThrottle.WINDOW_SECONDS)
          .hasSizeBetween(1, 2);
    }
  }

  @Test
  void aClientRefusesAServerOfAnotherUserNamingItAndHowToAllowIt() {
    String name = uniqueName();
    serve(newServer(name, PeerPolicy.sameUser()));
    assertThatThrownBy(() -> connect(newClient(name, ONLY_54321)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("refusing server " + scheme() + "://" + name)
        .hasMessageContaining("runs as user '" + me + "'")
        .hasMessageContaining(scheme() + "://" + name + "?peerUsers=" + me);
  }

  @Test
  void theDefaultAndTheUriOptionAdmitTheSameUser() {
    String name = uniqueName();
    String uri = scheme() + "://" + name;
    serve(
        provider().server(URI.create(uri + "?peerUsers=54321,alice"), TransportOptions.defaults()));
    Connection viaUri =
        connect(provider().client(URI.create(uri + "?peerUsers=*"), TransportOptions.defaults()));
    Connection byDefault = connect(newClient(name, PeerPolicy.sameUser()));
    assertThat(viaUri.isOpen()).isTrue();
    assertThat(byDefault.isOpen()).isTrue();
  }

  @Test
  void aMalformedPeerUsersOptionIsRefused() {
    String uri = scheme() + "://" + uniqueName();
    for (String bad : List.of("?peerUsers=a,,b", "?peerUsers=%20")) {
      assertThatThrownBy(
              () -> provider().client(URI.create(uri + bad), TransportOptions.defaults()))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid " + scheme() + " transport URI")
          .hasMessageContaining("peerUsers");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the URI

  @Test
  void bothSidesReadTheUriQueryByTheSharedRules() {
    String uri = scheme() + "://" + uniqueName();
    for (String bad :
        List.of(
            "?maxClients=2&&maxFrameSize=1MiB",
            "?maxClients=",
            "?maxClients=1&maxClients=2",
            "?colour=red",
            "?maxFrameSize=512",
            "?sendTimeout=0")) {
      assertThatThrownBy(
              () -> provider().server(URI.create(uri + bad), TransportOptions.defaults()))
          .as("server " + bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid " + scheme() + " transport URI '" + uri + bad + "': ");
      assertThatThrownBy(
              () -> provider().client(URI.create(uri + bad), TransportOptions.defaults()))
          .as("client " + bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid " + scheme() + " transport URI '" + uri + bad + "': ");
    }
    String decoded = uri + "?peerUsers=54321%2Calice&maxFrameSize=64KiB";
    assertThat(provider().server(URI.create(decoded), TransportOptions.defaults()).address())
        .isEqualTo(uri);
  }
}
