package org.witrpc.it;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * A server process for the cross-process tests: serves {@link TestService} with a {@link
 * TestServiceImpl}, prints {@code READY <uri>} once clients can connect (for {@code tcp://} and
 * {@code wss://}, the URI of its clients: the bound port and {@link NetworkUris#client client
 * options}), and runs until its stdin closes (the test JVM closed it or died) or it is terminated;
 * on SIGTERM a shutdown hook closes the server cleanly, so its socket file is removed.
 *
 * <p>Arguments: {@code URI json|msgpack [MAX_FRAME_SIZE]}; a max frame size (such as {@code
 * 300MiB}) is added to the URI as the {@code maxFrameSize} option.
 *
 * <p>System properties (both optional, so existing callers are unaffected): {@value #ENCRYPTION}
 * {@code =true} turns encryption on; {@value #ACCESS_TOKEN} sets the access token clients must
 * present.
 */
public final class TestServerMain {
  /** System property: {@code true} to encrypt every connection (default false). */
  static final String ENCRYPTION = "witrpc.it.encryption";

  /** System property: the access token clients must present (default: none required). */
  static final String ACCESS_TOKEN = "witrpc.it.accessToken";

  private TestServerMain() {}

  /** The JVM options that give a server (or {@link TestClientMain}) these security settings. */
  static List<String> securityOptions(boolean encryption, String accessToken) {
    List<String> options = new ArrayList<>();
    options.add("-D" + ENCRYPTION + "=" + encryption);
    if (accessToken != null) {
      options.add("-D" + ACCESS_TOKEN + "=" + accessToken);
    }
    return options;
  }

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: TestServerMain URI json|msgpack [MAX_FRAME_SIZE]");
      System.exit(2);
    }
    String uri = args.length == 3 ? withOption(args[0], "maxFrameSize=" + args[2]) : args[0];
    WitServer.Builder builder =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(uri)
            .serializer(ItSerializers.byName(args[1]))
            .encryption(Boolean.getBoolean(ENCRYPTION));
    String token = System.getProperty(ACCESS_TOKEN);
    if (token != null) {
      builder.accessToken(token);
    }
    serveUntilStdinEnds(builder.build(), uri);
  }

  /**
   * Starts {@code server} (closed by a shutdown hook on SIGTERM), prints {@code READY <uri>} for
   * its clients, serves until stdin ends, then closes it, prints {@code STOPPED} and exits.
   */
  static void serveUntilStdinEnds(WitServer server, String uri) throws IOException {
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "witrpc-it-server-shutdown"));
    server.start();
    // tcp://...:0 and wss://...:0 bind an ephemeral port: clients need the real one (and options)
    System.out.println(
        "READY " + (NetworkUris.isNetwork(uri) ? NetworkUris.client(uri, server.address()) : uri));
    System.out.flush();
    InputStream in = System.in;
    byte[] ignored = new byte[256];
    while (in.read(ignored) >= 0) {
      // nothing is expected on stdin; its end is the signal to stop
    }
    server.close();
    System.out.println("STOPPED");
    System.exit(0);
  }

  /** {@code uri} with {@code option} added to its query. */
  static String withOption(String uri, String option) {
    return uri + (uri.contains("?") ? "&" : "?") + option;
  }
}
