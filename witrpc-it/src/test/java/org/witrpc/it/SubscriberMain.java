package org.witrpc.it;

import java.io.IOException;
import java.time.Duration;
import org.witrpc.client.WitClient;
import org.witrpc.testkit.TestService;

/**
 * A client process that subscribes {@code COUNT} progress listeners, prints {@code SUBSCRIBED
 * <count>}, and then holds its connection until its stdin closes; tests kill it (-9) to see the
 * server drop its subscriptions.
 *
 * <p>Arguments: {@code URI json|msgpack COUNT}.
 */
public final class SubscriberMain {
  private SubscriberMain() {}

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: SubscriberMain URI json|msgpack COUNT");
      System.exit(2);
    }
    int count = Integer.parseInt(args[2]);
    try (WitClient client =
        WitClient.builder()
            .transport(args[0])
            .serializer(ItSerializers.byName(args[1]))
            .build()
            .connect(Duration.ofSeconds(10))) {
      TestService service = client.service(TestService.class);
      for (int i = 0; i < count; i++) {
        service.addProgressListener((percent, stage) -> {});
      }
      System.out.println("SUBSCRIBED " + count);
      System.out.flush();
      byte[] ignored = new byte[256];
      while (System.in.read(ignored) >= 0) {
        // nothing is expected on stdin; its end is the signal to stop
      }
    }
    System.exit(0);
  }
}
