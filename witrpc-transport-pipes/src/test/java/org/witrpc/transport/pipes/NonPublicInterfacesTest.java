package org.witrpc.transport.pipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.witrpc.Listener;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;

@DisplayName("Package-private service and listener interfaces (outside witrpc's packages)")
class NonPublicInterfacesTest {

  @Listener
  interface Ticks {
    void onTick(int n);
  }

  interface Clock {
    int add(int a, int b);

    void addTicksListener(Ticks listener);

    void removeTicksListener(Ticks listener);

    void tick(int n);
  }

  static final class ClockImpl implements Clock {
    private final List<Ticks> listeners = new CopyOnWriteArrayList<>();

    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public void addTicksListener(Ticks listener) {
      listeners.add(listener);
    }

    @Override
    public void removeTicksListener(Ticks listener) {
      listeners.remove(listener);
    }

    @Override
    public void tick(int n) {
      listeners.forEach(l -> l.onTick(n));
    }
  }

  @Test
  void callsAndEventsWork() throws Exception {
    String uri = "pipe://npi-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    WitServer server =
        WitServer.builder().service(Clock.class, new ClockImpl()).transport(uri).build().start();
    try (server;
        WitClient client =
            WitClient.builder().transport(uri).build().connect(Duration.ofSeconds(10))) {
      Clock clock = client.service(Clock.class);
      CountDownLatch ticked = new CountDownLatch(1);
      List<Integer> ticks = new CopyOnWriteArrayList<>();
      clock.addTicksListener(
          n -> {
            ticks.add(n);
            ticked.countDown();
          });

      assertThat(clock.add(2, 3)).isEqualTo(5);
      clock.tick(7);
      assertThat(ticked.await(10, TimeUnit.SECONDS)).as("the listener was called").isTrue();
      assertThat(ticks).containsExactly(7);
    }
  }
}
