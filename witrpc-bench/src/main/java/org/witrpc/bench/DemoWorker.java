package org.witrpc.bench;

import org.witrpc.Serializers;
import org.witrpc.server.WitServer;

/**
 * The demo's worker process: serves {@link DemoService} on the transport URI given as its first
 * argument ({@code msgpack} as an optional second argument switches the serializer), prints {@code
 * READY}, and shuts down when its stdin ends.
 *
 * <p>Thread safety: a main class; not meant to be shared.
 */
public final class DemoWorker {
  private DemoWorker() {}

  /** Arguments: {@code TRANSPORT_URI [json|msgpack]}. */
  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: DemoWorker TRANSPORT_URI [json|msgpack]");
      System.exit(2);
    }
    String serializer = args.length > 1 ? args[1] : "json";
    try (WitServer server =
        WitServer.builder()
            .service(DemoService.class, new DemoServiceImpl())
            .transport(args[0])
            .serializer(
                serializer.equals("msgpack") ? Serializers.messagePack() : Serializers.json())
            .build()) {
      server.start();
      ChildMain.ready(server.address());
      ChildMain.awaitStdinEnd();
    }
    System.out.println("BYE");
  }
}
