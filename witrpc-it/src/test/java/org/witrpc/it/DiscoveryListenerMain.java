package org.witrpc.it;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.witrpc.DiscoveryGroup;
import org.witrpc.client.AnnouncedServer;
import org.witrpc.client.NetworkDiscovery;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.TestService;

/**
 * Listens for announcements, run as the main class of a JVM in a container ({@link
 * DiscoveryContainerIT}), on the default group through interface {@code args[0]}. Prints {@code
 * LISTENING}, then for each server it hears {@code HEARD id name uri services}, connects to the URI
 * it heard and prints {@code CALLED id} and the result of an {@code echo} call, and prints {@code
 * GONE id} when the server is forgotten. Ends after {@code args[1]} seconds.
 */
public final class DiscoveryListenerMain {
  private DiscoveryListenerMain() {}

  /**
   * Listens.
   *
   * @param args network interface, seconds to run
   */
  public static void main(String[] args) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    try (NetworkDiscovery discovery =
        NetworkDiscovery.listen(DiscoveryGroup.defaults().withInterface(args[0]))) {
      say("LISTENING");
      Map<String, AnnouncedServer> known = new HashMap<>();
      while (System.nanoTime() - end < 0) {
        Map<String, AnnouncedServer> now = new HashMap<>();
        for (AnnouncedServer s : discovery.servers()) {
          now.put(s.id(), s);
          if (!known.containsKey(s.id())) {
            say("HEARD " + s.id() + " " + s.name() + " " + s.uri() + " " + s.services());
            say("CALLED " + s.id() + " " + call(s.uri()));
          }
        }
        for (String id : known.keySet()) {
          if (!now.containsKey(id)) {
            say("GONE " + id);
          }
        }
        known = now;
        Map<String, AnnouncedServer> seen = known;
        // wakes as soon as a new server is heard; the bound is for noticing forgotten ones
        discovery.awaitServer(s -> !seen.containsKey(s.id()), Duration.ofMillis(50));
      }
    }
  }

  private static String call(String uri) {
    try (WitClient client = WitClient.builder().transport(uri).build()) {
      client.connect(Duration.ofSeconds(10));
      return client.service(TestService.class).echo("over the network");
    } catch (RuntimeException e) {
      return "FAILED " + e;
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
