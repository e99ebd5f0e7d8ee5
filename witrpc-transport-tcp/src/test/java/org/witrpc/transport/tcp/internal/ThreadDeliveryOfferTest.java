package org.witrpc.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.spi.FrameListener;

/**
 * {@link ThreadDelivery} offers a frame to the listener on the event loop only while its thread has
 * nothing to do: a frame that arrives behind a waiting or running one goes to the thread, even if
 * the listener would take it, so the frames keep their order; the end comes after all of them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadDeliveryOfferTest {

  private static final byte QUICK = 'Q';
  private static final byte SLOW = 'S';
  private static final byte BLOCK = 'B';

  /** One handled frame: its number and whether the offer took it. */
  private record Handled(int number, boolean offered) {}

  /** Takes QUICK frames when offered; waits in BLOCK frames until released. */
  private static final class Listener implements FrameListener {
    final List<Handled> handled = new CopyOnWriteArrayList<>();
    final CountDownLatch blocking = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public boolean onFrameIfQuick(ByteBuffer frame) {
      if (frame.get(0) != QUICK) {
        return false;
      }
      handled.add(new Handled(frame.get(1), true));
      return true;
    }

    @Override
    public void onFrame(ByteBuffer frame) {
      handled.add(new Handled(frame.get(1), false));
      if (frame.get(0) == BLOCK) {
        blocking.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void onClosed(Throwable cause) {
      closed.countDown();
    }
  }

  private static ByteBuffer frame(byte kind, int number) {
    return ByteBuffer.wrap(new byte[] {kind, (byte) number});
  }

  @Test
  void framesBehindAWaitingFrameWaitForItAndKeepTheirOrder() throws Exception {
    Listener listener = new Listener();
    ThreadDelivery delivery =
        new ThreadDelivery(
            new EmbeddedChannel(),
            "test",
            "witrpc-test-delivery",
            listener,
            e -> {},
            listener::onFrameIfQuick);
    delivery.start();

    delivery.frame(frame(QUICK, 0)); // nothing waits: the offer takes it
    delivery.frame(frame(BLOCK, 1)); // declined: the thread takes it and waits in it
    assertThat(listener.blocking.await(10, TimeUnit.SECONDS)).isTrue();
    delivery.frame(frame(QUICK, 2)); // behind a running frame: not offered
    delivery.frame(frame(SLOW, 3));
    delivery.frame(frame(QUICK, 4));
    listener.release.countDown();
    delivery.end(null, true);

    assertThat(listener.closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(listener.handled)
        .containsExactly(
            new Handled(0, true),
            new Handled(1, false),
            new Handled(2, false),
            new Handled(3, false),
            new Handled(4, false));
  }
}
