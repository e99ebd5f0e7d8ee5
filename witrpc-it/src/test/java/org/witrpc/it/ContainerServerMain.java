package org.witrpc.it;

import java.util.concurrent.CountDownLatch;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * The server side of the container tests, run as the main class of a JVM in a container: serves
 * {@link TestService} on the URI in {@code args[0]}, prints {@code READY} once it accepts
 * connections and {@code CALL slowEcho} when a slow call starts, and runs until it is stopped
 * (SIGTERM closes the server, so its socket is removed) or killed.
 */
public final class ContainerServerMain {
  private ContainerServerMain() {}

  /** Announces slow calls, so a test knows a call is in progress before it kills the server. */
  static final class AnnouncingImpl extends TestServiceImpl {
    @Override
    public String slowEcho(String value, long millis) {
      System.out.println("CALL slowEcho");
      System.out.flush();
      return super.slowEcho(value, millis);
    }
  }

  /**
   * Starts the server.
   *
   * @param args the transport URI
   */
  public static void main(String[] args) throws InterruptedException {
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new AnnouncingImpl())
            .transport(args[0])
            .serializer(ContainerScenario.serializer())
            .build()
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "close-server"));
    System.out.println("READY " + server.address());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
