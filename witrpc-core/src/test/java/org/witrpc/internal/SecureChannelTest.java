package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.witrpc.spi.FrameListener;
import org.witrpc.testkit.StubConnection;

/** What the encrypting layer passes between the transport and the protocol's listener. */
class SecureChannelTest {

  /** A transport connection that only records the frames given back to it. */
  static final class RecyclingTransport extends StubConnection {
    final List<ByteBuffer> recycled = new ArrayList<>();

    RecyclingTransport() {
      super("test://recycling");
    }

    @Override
    public void recycle(ByteBuffer frame) {
      recycled.add(frame);
    }
  }

  /** A listener that keeps the frames it gets. */
  static final class Keeper implements FrameListener {
    final List<ByteBuffer> frames = new ArrayList<>();
    private final boolean neverBlocks;

    Keeper(boolean neverBlocks) {
      this.neverBlocks = neverBlocks;
    }

    @Override
    public void onFrame(ByteBuffer frame) {
      frames.add(frame);
    }

    @Override
    public void onClosed(Throwable cause) {}

    @Override
    public boolean neverBlocks() {
      return neverBlocks;
    }
  }

  @Test
  void neverBlocksIsTheListenersAnswer() {
    assertThat(new SecureChannel().listener(new Keeper(true)).neverBlocks()).isTrue();
    assertThat(new SecureChannel().listener(new Keeper(false)).neverBlocks()).isFalse();
    assertThat(new SecureChannel().neverBlocks()).isFalse(); // no listener yet
  }

  @Test
  void aFrameIsOpenedInTheTransportsBufferAndGivenBackToTheTransport() {
    FrameCipherTest.Direction d = FrameCipherTest.Direction.random();
    RecyclingTransport transport = new RecyclingTransport();
    Keeper keeper = new Keeper(true);
    SecureChannel channel = new SecureChannel().attach(transport).listener(keeper);
    channel.start(d.sealer(), d.opener());

    ByteBuffer plain = FrameCipherTest.request(8, "opened where it arrived");
    byte[] expected = FrameCipherTest.copy(plain);
    byte[] received = FrameCipherTest.copy(d.sealer().seal(plain));
    channel.onFrame(ByteBuffer.wrap(received));

    assertThat(keeper.frames).hasSize(1);
    ByteBuffer opened = keeper.frames.get(0);
    assertThat(opened.array()).isSameAs(received);
    assertThat(FrameCipherTest.copy(opened)).isEqualTo(expected);
    channel.recycle(opened);
    assertThat(transport.recycled).containsExactly(opened);
  }
}
