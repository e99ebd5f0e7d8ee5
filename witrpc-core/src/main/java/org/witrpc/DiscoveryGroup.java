package org.witrpc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * Where network discovery announcements go: a UDP multicast group and port, the network interface
 * to use and the multicast time-to-live. Servers announce themselves there when asked ({@code
 * WitServer.Builder.announce}); clients listen there ({@code NetworkDiscovery}). Discovery is off
 * unless a server is told to announce; nothing is sent or joined otherwise.
 *
 * <p>The default group is {@value #DEFAULT_GROUP} (IPv4, administratively scoped: routers at the
 * edge of an organization do not forward it) on port {@value #DEFAULT_PORT}, with a TTL of 1, so
 * announcements stay on the local network segment, on the system's default multicast interface.
 * Announcements are not authenticated: anyone on the segment can announce anything. Discovery tells
 * a client where a server says it is; TLS and the access token are what authenticate it
 * (docs/SECURITY.md).
 *
 * <p>Thread safety: immutable; the {@code with} methods return new instances.
 */
public final class DiscoveryGroup {
  /** The default multicast group: {@value}. */
  public static final String DEFAULT_GROUP = "239.255.87.82";

  /** The default UDP port: {@value}. */
  public static final int DEFAULT_PORT = 7787;

  /** The default multicast time-to-live: {@value} (the local network segment only). */
  public static final int DEFAULT_TTL = 1;

  private static final DiscoveryGroup DEFAULTS =
      new DiscoveryGroup(defaultGroup(), DEFAULT_PORT, null, DEFAULT_TTL);

  private final InetAddress group;
  private final int port;
  private final String networkInterface;
  private final int ttl;

  private DiscoveryGroup(InetAddress group, int port, String networkInterface, int ttl) {
    this.group = group;
    this.port = port;
    this.networkInterface = networkInterface;
    this.ttl = ttl;
  }

  /** Group {@value #DEFAULT_GROUP}, port {@value #DEFAULT_PORT}, default interface, TTL 1. */
  public static DiscoveryGroup defaults() {
    return DEFAULTS;
  }

  /**
   * This configuration on another multicast group and port.
   *
   * @throws IllegalArgumentException if {@code group} is not a multicast address or the port is not
   *     1 to 65535
   */
  public DiscoveryGroup withGroup(InetAddress group, int port) {
    Objects.requireNonNull(group, "group == null");
    if (!group.isMulticastAddress()) {
      throw new IllegalArgumentException(
          group.getHostAddress() + " is not a multicast address (224.0.0.0/4 or ff00::/8)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not 1 to 65535");
    }
    return new DiscoveryGroup(group, port, networkInterface, ttl);
  }

  /**
   * This configuration on the network interface named {@code name} (as {@code
   * java.net.NetworkInterface.getByName} knows it, for example {@code eth0}); the interface must
   * exist and support multicast when a server or a listener starts.
   */
  public DiscoveryGroup withInterface(String name) {
    Objects.requireNonNull(name, "name == null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("the interface name is blank");
    }
    return new DiscoveryGroup(group, port, name, ttl);
  }

  /**
   * This configuration with multicast time-to-live {@code ttl}: how many routers an announcement
   * may cross (1: none; 0: this host only).
   *
   * @throws IllegalArgumentException if {@code ttl} is not 0 to 255
   */
  public DiscoveryGroup withTtl(int ttl) {
    if (ttl < 0 || ttl > 255) {
      throw new IllegalArgumentException("ttl " + ttl + " is not 0 to 255");
    }
    return new DiscoveryGroup(group, port, networkInterface, ttl);
  }

  /** The multicast group. */
  public InetAddress group() {
    return group;
  }

  /** The UDP port. */
  public int port() {
    return port;
  }

  /** The network interface's name, or empty for the system's default multicast interface. */
  public Optional<String> networkInterface() {
    return Optional.ofNullable(networkInterface);
  }

  /** The multicast time-to-live. */
  public int ttl() {
    return ttl;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DiscoveryGroup d
        && group.equals(d.group)
        && port == d.port
        && Objects.equals(networkInterface, d.networkInterface)
        && ttl == d.ttl;
  }

  @Override
  public int hashCode() {
    return Objects.hash(group, port, networkInterface, ttl);
  }

  @Override
  public String toString() {
    return group.getHostAddress()
        + ":"
        + port
        + (networkInterface != null ? " on " + networkInterface : "")
        + " ttl "
        + ttl;
  }

  private static InetAddress defaultGroup() {
    try {
      return InetAddress.getByName(DEFAULT_GROUP); // a literal: no name lookup
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
