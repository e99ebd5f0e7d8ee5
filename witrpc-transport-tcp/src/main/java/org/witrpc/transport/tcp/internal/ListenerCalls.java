package org.witrpc.transport.tcp.internal;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.WitTransportException;
import org.witrpc.spi.FrameListener;

/**
 * Calls a {@link FrameListener} for a {@link FrameDelivery} so that nothing it throws reaches the
 * delivering thread: a {@link RuntimeException} is logged (the frame is dropped), an {@link Error}
 * closes the connection.
 *
 * <p>Thread safety: stateless.
 */
final class ListenerCalls {

  private static final Logger log = LoggerFactory.getLogger(ListenerCalls.class);

  private ListenerCalls() {}

  /**
   * Calls {@code onFrame}.
   *
   * @param fail closes the connection with a cause, when the listener throws an {@link Error}
   */
  static void onFrame(
      FrameListener listener, ByteBuffer frame, String description, Consumer<Throwable> fail) {
    try {
      listener.onFrame(frame);
    } catch (RuntimeException e) {
      log.warn("{}: FrameListener.onFrame threw; the frame is dropped", description, e);
    } catch (Throwable e) {
      // an Error (a StackOverflowError, a LinkageError): the connection can no longer be trusted
      // to be in step, so it ends here instead of losing its reader silently
      log.error("{}: the listener failed; closing the connection", description, e);
      fail.accept(new WitTransportException(description + ": the reader failed: " + e, e));
    }
  }

  /**
   * Calls {@code onFrameIfQuick}: true if the listener took the frame (or threw, which drops it as
   * {@link #onFrame} does), false if it leaves it to {@code onFrame}.
   *
   * @param fail closes the connection with a cause, when the listener throws an {@link Error}
   */
  static boolean onFrameIfQuick(
      FrameListener listener, ByteBuffer frame, String description, Consumer<Throwable> fail) {
    try {
      return listener.onFrameIfQuick(frame);
    } catch (RuntimeException e) {
      log.warn("{}: FrameListener.onFrameIfQuick threw; the frame is dropped", description, e);
    } catch (Throwable e) {
      log.error("{}: the listener failed; closing the connection", description, e);
      fail.accept(new WitTransportException(description + ": the reader failed: " + e, e));
    }
    return true;
  }

  /** Calls {@code onClosed}. */
  static void onClosed(FrameListener listener, Throwable cause, String description) {
    try {
      listener.onClosed(cause);
    } catch (RuntimeException e) {
      log.warn("{}: FrameListener.onClosed threw", description, e);
    }
  }
}
