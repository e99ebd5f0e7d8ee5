package org.witrpc.client;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.DiscoveryGroup;
import org.witrpc.WitTransportException;
import org.witrpc.internal.DiscoveryDatagram;
import org.witrpc.internal.Durations;

/**
 * Listens for servers announcing themselves on a {@link DiscoveryGroup} ({@code
 * WitServer.Builder.announce}) and keeps what it heard: {@link #servers()} lists the servers not
 * yet forgotten (a GOODBYE, or no announcement within the time-to-live the server gave, forgets
 * one). It only listens: it never sends anything and never connects to what it hears.
 *
 * <p>It joins the group on the group's network interface if one is named, else on every interface
 * that is up, not loopback, and supports multicast. It receives what is sent to its UDP port, so
 * whoever can reach that port (not only the segment) can announce. Datagrams that are not
 * well-formed announcements within their bounds are ignored (logged at debug level), and so are
 * URIs other than {@code tcp://}, {@code ws://} and {@code wss://}, hosts from other machines that
 * name this one (localhost, its host name, a loopback or any-local address in any spelling; judged
 * without a name-server lookup), and announcements for a server id from an address other than the
 * one it was first heard from; at most {@value #MAX_SERVERS} servers are kept, 32 from one address.
 * A thread of its own ({@code witrpc-discovery}) reads until {@link #close()}.
 *
 * <p>Thread safety: thread-safe.
 */
public final class NetworkDiscovery implements AutoCloseable {
  /** The most servers kept at once. */
  public static final int MAX_SERVERS = 256;

  private static final Logger LOG = LoggerFactory.getLogger(NetworkDiscovery.class);

  private final DatagramChannel channel;
  private final HeardServers heard = new HeardServers(MAX_SERVERS, Clock.systemUTC());
  private final Thread reader;

  private NetworkDiscovery(DatagramChannel channel) {
    this.channel = channel;
    this.reader = new Thread(this::read, "witrpc-discovery");
    reader.setDaemon(true);
  }

  /**
   * Starts listening on {@code group}.
   *
   * @throws WitTransportException if the port cannot be bound or the group joined (for example no
   *     interface supports multicast)
   */
  public static NetworkDiscovery listen(DiscoveryGroup group) {
    Objects.requireNonNull(group, "group == null");
    DatagramChannel channel = null;
    try {
      ProtocolFamily family =
          group.group() instanceof Inet6Address
              ? StandardProtocolFamily.INET6
              : StandardProtocolFamily.INET;
      channel = DatagramChannel.open(family);
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true); // several listeners per host
      channel.bind(new InetSocketAddress(group.port()));
      for (NetworkInterface ni : interfaces(group)) {
        channel.join(group.group(), ni);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel, e);
      throw new WitTransportException(
          "cannot listen for announcements on " + group + ": " + e.getMessage(), e);
    }
    NetworkDiscovery discovery = new NetworkDiscovery(channel);
    discovery.reader.start();
    return discovery;
  }

  /** The servers heard and not yet forgotten, in the order first heard. */
  public List<AnnouncedServer> servers() {
    return heard.list();
  }

  /**
   * Waits up to {@code timeout} until a server that {@code match} accepts has been heard (for
   * example {@code s -> s.services().contains(Calculator.class.getName())}).
   *
   * @return the server, or empty if none was heard in time or this listener was closed
   */
  public Optional<AnnouncedServer> awaitServer(Predicate<AnnouncedServer> match, Duration timeout)
      throws InterruptedException {
    Objects.requireNonNull(match, "match == null");
    Objects.requireNonNull(timeout, "timeout == null");
    return Optional.ofNullable(
        heard.await(match, Math.max(0, Durations.capped(timeout).toMillis())));
  }

  /** Stops listening (leaves the group, ends the thread). Idempotent. */
  @Override
  public void close() {
    heard.close();
    try {
      channel.close(); // wakes the reader blocked in receive
    } catch (IOException e) {
      LOG.debug("closing the discovery channel", e);
    }
    try {
      reader.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void read() {
    ByteBuffer buffer = ByteBuffer.allocate(DiscoveryDatagram.MAX_DATAGRAM + 1);
    while (channel.isOpen()) {
      buffer.clear();
      InetSocketAddress from;
      try {
        from = (InetSocketAddress) channel.receive(buffer);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        LOG.debug("receiving an announcement", e);
        LockSupport.parkNanos(10_000_000L); // an error that repeats must not spin a core
        continue;
      }
      if (from == null) {
        continue;
      }
      buffer.flip();
      try {
        // one byte more than the largest datagram: a larger one is seen as too large, not cut
        heard.heard(DiscoveryDatagram.decode(buffer.array(), buffer.limit()), from.getAddress());
      } catch (IllegalArgumentException e) {
        LOG.debug("ignored a datagram from {}: {}", from, e.getMessage());
      }
    }
  }

  private static List<NetworkInterface> interfaces(DiscoveryGroup group) throws SocketException {
    if (group.networkInterface().isPresent()) {
      return List.of(DiscoveryDatagram.namedInterface(group));
    }
    List<NetworkInterface> all = new ArrayList<>();
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (ni.isUp() && !ni.isLoopback() && ni.supportsMulticast() && hasAddressFor(ni, group)) {
        all.add(ni);
      }
    }
    if (all.isEmpty()) {
      throw new SocketException("no network interface is up and supports multicast");
    }
    return all;
  }

  private static boolean hasAddressFor(NetworkInterface ni, DiscoveryGroup group) {
    boolean v6 = group.group() instanceof Inet6Address;
    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
      if ((a instanceof Inet6Address) == v6) {
        return true;
      }
    }
    return false;
  }

  private static void closeQuietly(DatagramChannel channel, Exception cause) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
  }
}
