package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.witrpc.server.WitServer;
import org.witrpc.testkit.PropertyChangedListener;

/**
 * {@code removeXxx(L)} undoes only what the matching {@code addXxx(L)} did, also when a service has
 * two listener pairs of the same listener type: as a local object would, and so that the server
 * still removes the other pair's stubs when the client goes.
 */
class ListenerPairingTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** Two add/remove pairs that take the same listener type. */
  public interface TwoFeeds {
    void addPriceListener(PropertyChangedListener listener);

    void removePriceListener(PropertyChangedListener listener);

    void addVolumeListener(PropertyChangedListener listener);

    void removeVolumeListener(PropertyChangedListener listener);

    void firePrice(String value);

    int priceListenerCount();
  }

  static final class TwoFeedsImpl implements TwoFeeds {
    final List<PropertyChangedListener> price = new CopyOnWriteArrayList<>();
    final List<PropertyChangedListener> volume = new CopyOnWriteArrayList<>();

    @Override
    public void addPriceListener(PropertyChangedListener listener) {
      price.add(listener);
    }

    @Override
    public void removePriceListener(PropertyChangedListener listener) {
      price.remove(listener);
    }

    @Override
    public void addVolumeListener(PropertyChangedListener listener) {
      volume.add(listener);
    }

    @Override
    public void removeVolumeListener(PropertyChangedListener listener) {
      volume.remove(listener);
    }

    @Override
    public void firePrice(String value) {
      price.forEach(l -> l.onPropertyChanged("price", value));
    }

    @Override
    public int priceListenerCount() {
      return price.size();
    }
  }

  private final TwoFeedsImpl impl = new TwoFeedsImpl();
  private WitServer server;
  private WitClient client;

  @BeforeEach
  void start() {
    String name = "pairing" + NAMES.incrementAndGet();
    server =
        WitServer.builder()
            .service(TwoFeeds.class, impl)
            .transport("mem://" + name)
            .build()
            .start();
    client = WitClient.builder().transport("mem://" + name).timeout(Duration.ofSeconds(5)).build();
    client.connect(Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  /** Listeners passed anywhere but to addXxx / removeXxx. */
  public interface Misplaced {
    void register(PropertyChangedListener listener);
  }

  /** Another shape: the listener is one parameter of several. */
  public interface MisplacedAmongOthers {
    void addTwo(PropertyChangedListener listener, int n);
  }

  /**
   * A listener passed to a plain method is refused when the proxy is made, naming the method: it
   * would travel as a value ({} for a lambda) and fail on the server with a Jackson message.
   */
  @Test
  void aListenerParameterOfAPlainMethodIsRefusedWhenTheProxyIsMade() {
    assertThatThrownBy(() -> client.service(Misplaced.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Misplaced.register(PropertyChangedListener) takes a @Listener")
        .hasMessageContaining("addXxx(PropertyChangedListener)");
    assertThatThrownBy(() -> client.service(MisplacedAmongOthers.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes a @Listener");
  }

  @Test
  void removingThroughTheOtherPairKeepsTheSubscriptionAndItsEvents() throws Exception {
    TwoFeeds feeds = client.service(TwoFeeds.class);
    LinkedBlockingQueue<Object> got = new LinkedBlockingQueue<>();
    PropertyChangedListener listener = (property, value) -> got.add(value);
    feeds.addPriceListener(listener);

    feeds.removeVolumeListener(listener); // added through addPriceListener only: nothing to remove

    assertThat(impl.price).hasSize(1);
    feeds.firePrice("42");
    assertThat(got.poll(10, TimeUnit.SECONDS)).as("the price event").isEqualTo("42");
    feeds.removePriceListener(listener);
    assertThat(impl.price).isEmpty();
  }

  @Test
  void theServerRemovesTheStubsOfAClientThatGoes() {
    TwoFeeds feeds = client.service(TwoFeeds.class);
    PropertyChangedListener listener = (property, value) -> {};
    feeds.addPriceListener(listener);
    feeds.removeVolumeListener(listener);

    client.close();

    RpcContractHarness.await(
        "price listeners removed after the client closed", impl.price::isEmpty);
  }
}
