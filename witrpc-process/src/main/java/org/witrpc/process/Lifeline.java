package org.witrpc.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of {@link WorkerControl}: decides when the worker ends. It ends when the host
 * asks ({@link #stop}), when the host process exits, or when the host's connection ended and no
 * host re-attached within a grace period; whichever comes first. When the connection ends and the
 * host process is gone too, the worker ends at once: the connection's end of stream is what makes
 * that fast after a {@code kill -9} of the host (the JDK notices the exit of a process that is not
 * its child by polling, every 300 ms and slower as time goes on).
 *
 * <p>Thread safety: safe for concurrent use; {@link #ended()} completes once, with the first
 * reason.
 */
final class Lifeline implements WorkerControl {
  private static final Logger LOG = LoggerFactory.getLogger(Lifeline.class);
  private static final long HOST_CHECK_MILLIS = 10;

  private final Optional<ProcessHandle> host;
  private final Duration detachGrace;
  private final Set<HostLink> links = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<String> ended = new CompletableFuture<>();
  private volatile List<String> services = List.of();
  private final Object attachment = new Object();
  private long detachments; // guarded by attachment

  /**
   * @param hostPid the host's process id; a host that is already gone ends the worker at once
   * @param detachGrace how long a live host may stay detached (a reconnecting client) before the
   *     worker ends
   */
  Lifeline(long hostPid, Duration detachGrace) {
    this.host = ProcessHandle.of(hostPid);
    this.detachGrace = detachGrace;
    if (host.isEmpty()) {
      end("the host process " + hostPid + " is gone");
    }
    host.ifPresent(h -> h.onExit().thenRun(() -> end("the host process " + hostPid + " exited")));
  }

  /** Says which services the worker serves, once its server is built. */
  void services(List<String> names) {
    List<String> others = new ArrayList<>(names);
    others.remove(WorkerControl.class.getName());
    this.services = List.copyOf(others);
  }

  @Override
  public List<String> services() {
    return services;
  }

  /** Completes with the reason the worker ends. */
  CompletableFuture<String> ended() {
    return ended;
  }

  /** Ends the worker for {@code reason}, unless it ended already. */
  void end(String reason) {
    if (ended.complete(reason)) {
      LOG.debug("worker ends: {}", reason);
    }
  }

  /** Tells every attached host that the worker stops, for {@code reason}; best effort. */
  void tellHosts(String reason) {
    for (HostLink link : links) {
      try {
        link.stopping(reason);
      } catch (RuntimeException e) {
        LOG.debug("cannot tell the host that the worker stops: {}", e.toString());
      }
    }
  }

  @Override
  public void addHostLink(HostLink link) {
    synchronized (attachment) {
      links.add(link);
    }
  }

  @Override
  public void removeHostLink(HostLink link) {
    long detachment;
    synchronized (attachment) {
      if (!links.remove(link) || !links.isEmpty()) {
        return;
      }
      detachment = ++detachments;
    }
    // the server calls this on a connection's thread: watch on a thread of our own
    Thread watch = new Thread(() -> awaitReattach(detachment), "witrpc-worker-detached");
    watch.setDaemon(true);
    watch.start();
  }

  /** Ends the worker unless a host re-attaches within the grace; at once if the host is gone. */
  private void awaitReattach(long detachment) {
    long deadline = System.nanoTime() + detachGrace.toNanos();
    while (!ended.isDone()) {
      synchronized (attachment) {
        if (detachments != detachment || !links.isEmpty()) {
          return; // re-attached
        }
      }
      if (host.isPresent() && !Liveness.isRunning(host.get())) {
        end("the host's connection ended and the host process exited");
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        end("the host's connection ended and it did not reconnect within " + detachGrace);
        return;
      }
      try {
        ended.get(HOST_CHECK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // checks again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        return;
      }
    }
  }

  @Override
  public void stop() {
    end("the host asked the worker to stop");
  }
}
