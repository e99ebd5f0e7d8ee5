package org.witrpc.it;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.witrpc.DiscoveryGroup;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * A server that announces itself, run as the main class of a JVM in a container ({@link
 * DiscoveryContainerIT}): serves {@link TestService} on {@code args[1]} and announces it as {@code
 * args[0]} every {@code args[2]} milliseconds on the default group through interface {@code
 * args[3]}; prints {@code READY} and runs until stopped (SIGTERM closes the server, which says
 * GOODBYE) or killed.
 */
public final class DiscoveryServerMain {
  private DiscoveryServerMain() {}

  /**
   * Starts the server.
   *
   * @param args name, transport URI, interval in milliseconds, network interface
   */
  public static void main(String[] args) throws InterruptedException {
    WitServer server =
        WitServer.builder()
            .service(TestService.class, new TestServiceImpl())
            .transport(args[1])
            .announce(args[0], DiscoveryGroup.defaults().withInterface(args[3]))
            .announceInterval(Duration.ofMillis(Long.parseLong(args[2])))
            .build()
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "close-server"));
    System.out.println("READY " + server.address());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
