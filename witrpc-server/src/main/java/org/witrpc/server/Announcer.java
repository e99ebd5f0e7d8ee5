package org.witrpc.server;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.DiscoveryGroup;
import org.witrpc.WitTransportException;
import org.witrpc.internal.DiscoveryDatagram;

/**
 * Announces one started server on its {@link DiscoveryGroup}: a HELLO at once, a HEARTBEAT every
 * interval from a thread of its own ({@code witrpc-announcer}), a GOODBYE at {@link #close()}. Each
 * announcement carries a time-to-live of three intervals plus a second, so a listener forgets a
 * server that died without a GOODBYE (or whose datagrams were lost) within that time.
 *
 * <p>A send that fails (the network went away) is logged, once as a warning and then at debug level
 * until a send succeeds again; the server keeps serving.
 *
 * <p>Thread safety: {@link #close()} may be called from any thread, more than once.
 */
final class Announcer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);
  private static final Set<String> NETWORK_SCHEMES = Set.of("tcp", "ws", "wss");

  private final DatagramChannel channel;
  private final InetSocketAddress target;
  private final DiscoveryDatagram hello;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean failing;

  private Announcer(DatagramChannel channel, InetSocketAddress target, DiscoveryDatagram hello) {
    this.channel = channel;
    this.target = target;
    this.hello = hello;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "witrpc-announcer");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Opens the channel, sends the HELLO and starts the heartbeats.
   *
   * @param every the heartbeat interval (at least 100 ms: the builder checks)
   * @throws IllegalStateException if {@code address} is not a network transport's
   * @throws WitTransportException if the channel cannot be opened on the group's interface
   */
  static Announcer start(
      DiscoveryGroup group, String name, String address, List<String> services, Duration every) {
    String scheme = URI.create(address).getScheme();
    if (scheme == null || !NETWORK_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
      throw new IllegalStateException(
          "announce: "
              + address
              + " is local to this machine; only tcp://, ws:// and wss:// servers are announced"
              + " (local servers are listed from the runtime directory)");
    }
    DiscoveryDatagram hello =
        new DiscoveryDatagram(
            DiscoveryDatagram.Kind.HELLO,
            Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE),
            name,
            address,
            services,
            Math.min(DiscoveryDatagram.MAX_TTL_MILLIS, every.toMillis() * 3 + 1_000),
            false);
    DatagramChannel channel = open(group);
    Announcer announcer =
        new Announcer(channel, new InetSocketAddress(group.group(), group.port()), hello);
    announcer.send(hello);
    long millis = every.toMillis();
    announcer.timer.scheduleWithFixedDelay(
        () -> announcer.send(hello.withKind(DiscoveryDatagram.Kind.HEARTBEAT)),
        millis,
        millis,
        TimeUnit.MILLISECONDS);
    return announcer;
  }

  private static DatagramChannel open(DiscoveryGroup group) {
    ProtocolFamily family =
        group.group() instanceof Inet6Address
            ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET;
    DatagramChannel channel = null;
    try {
      channel = DatagramChannel.open(family);
      channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, group.ttl());
      if (group.networkInterface().isPresent()) {
        channel.setOption(
            StandardSocketOptions.IP_MULTICAST_IF, DiscoveryDatagram.namedInterface(group));
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new WitTransportException(
          "announce: cannot send to " + group + ": " + e.getMessage(), e);
    }
  }

  private void send(DiscoveryDatagram announcement) {
    try {
      channel.send(ByteBuffer.wrap(announcement.encode()), target);
      if (failing) {
        LOG.info("announcements to {} are sent again", target);
        failing = false;
      }
    } catch (IOException e) {
      if (!failing) {
        LOG.warn("cannot announce {} to {}: {}", hello.uri(), target, e.toString());
        failing = true;
      } else {
        LOG.debug("cannot announce {} to {}: {}", hello.uri(), target, e.toString());
      }
    }
  }

  /** Stops the heartbeats, sends the GOODBYE and closes the channel. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    timer.shutdown(); // not shutdownNow: an interrupt in send would close the channel
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    send(hello.withKind(DiscoveryDatagram.Kind.GOODBYE));
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing the announcement channel", e);
    }
  }
}
