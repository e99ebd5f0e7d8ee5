package org.witrpc.it;

import org.witrpc.client.WitClient;
import org.witrpc.testkit.TestService;

/**
 * The client side of the container tests, run as the main class of a JVM in a container: connects
 * to the URI in {@code args[0]}, runs {@link ContainerScenario}, prints {@code PASS} and exits 0;
 * on any failure it prints the error and exits 1. With {@code args[1]} = {@code slow} it first
 * prints {@code CALLING slowEcho} and makes a two-minute call, to be killed during it.
 */
public final class ContainerClientMain {
  private ContainerClientMain() {}

  /**
   * Runs the scenario.
   *
   * @param args the transport URI, optionally followed by {@code slow}
   */
  public static void main(String[] args) {
    try (WitClient client = ContainerScenario.connect(args[0])) {
      TestService service = client.service(TestService.class);
      if (args.length > 1 && "slow".equals(args[1])) {
        System.out.println("CALLING slowEcho");
        System.out.flush();
        service.slowEcho("x", 120_000);
      }
      ContainerScenario.run(service);
      System.out.println("PASS");
      System.out.flush();
    } catch (Throwable t) {
      System.out.println("FAIL " + t);
      t.printStackTrace(System.out);
      System.out.flush();
      Runtime.getRuntime().halt(1);
    }
    Runtime.getRuntime().halt(0);
  }
}
