package org.witrpc.process;

import java.util.List;
import org.witrpc.Listener;

/**
 * The service every worker serves next to the application's own: how a {@link WorkerProcess}
 * attaches to its worker and asks it to stop. It is the protocol between the two sides of this
 * module, public only because both sides' proxies and the server need to see it; applications do
 * not call it.
 *
 * <p>The host subscribes a {@link HostLink} once connected (and its client subscribes it again
 * after every reconnect); the server removes that subscription when the host's connection ends,
 * which tells the worker that its host is gone, at once, also after a {@code kill -9} of the host.
 *
 * <p>Thread safety: the worker's implementation is safe for concurrent use.
 */
public interface WorkerControl {
  /** Attaches the host: from now on the worker lives while this link does. */
  void addHostLink(HostLink link);

  /** Detaches the host; called by the server when the host's connection ends. */
  void removeHostLink(HostLink link);

  /** Asks the worker to stop: it closes its server gracefully and its {@code serve} returns. */
  void stop();

  /**
   * The names of the services the worker's server serves besides this one ({@link
   * org.witrpc.server.WitServer#serviceNames()}): the host refuses a worker that does not serve the
   * interface it was started for.
   */
  List<String> services();

  /** The host's end of the link; the worker tells it why it is about to end. */
  @Listener
  interface HostLink {
    /** The worker is stopping on its own, for {@code reason}. */
    void stopping(String reason);
  }
}
