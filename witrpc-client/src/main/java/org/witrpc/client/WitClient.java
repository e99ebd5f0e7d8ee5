package org.witrpc.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.Envelope;
import org.witrpc.Handshake;
import org.witrpc.MessageType;
import org.witrpc.Serializers;
import org.witrpc.Status;
import org.witrpc.Transports;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Serializer;

/**
 * Calls services of a witrpc server through proxies of their interfaces.
 *
 * <pre>{@code
 * try (WitClient client = WitClient.builder().transport("mem://calc").build()) {
 *   client.connect(Duration.ofSeconds(5));
 *   Calculator calc = client.service(Calculator.class);
 *   calc.add(1, 2);
 * }
 * }</pre>
 *
 * <p>Thread safety: safe for concurrent use; the proxies too (many calls in flight from many
 * threads). {@code close} is idempotent.
 */
public final class WitClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WitClient.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ClientTransport transport;
  private final Serializer serializer;
  private final boolean encryption;
  private final String accessToken;
  private final ExecutorService asyncExecutor;
  private final ScheduledThreadPoolExecutor timer;
  private final RemoteCalls calls;
  private final ConcurrentHashMap<Class<?>, Object> proxies = new ConcurrentHashMap<>();
  private volatile ClientConnection connection;
  private volatile boolean closed;

  private WitClient(Builder b) {
    this.transport = b.transport != null ? b.transport : Transports.client(b.transportUri);
    this.serializer = b.serializer;
    this.encryption = b.encryption;
    this.accessToken = b.accessToken;
    this.asyncExecutor =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> thread(r, "async"));
    this.timer = new ScheduledThreadPoolExecutor(1, r -> thread(r, "timer"));
    timer.setRemoveOnCancelPolicy(true);
    this.calls =
        new RemoteCalls(
            this::readyConnection,
            serializer,
            b.timeout.toNanos(),
            b.spinBudget.toNanos(),
            asyncExecutor,
            timer);
  }

  private static Thread thread(Runnable r, String role) {
    Thread t = new Thread(r, "witrpc-client-" + role + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Connects and runs the handshake (protocol version, serializer, access token). Returns when the
   * connection is ready for calls.
   *
   * @throws WitTransportException if the server cannot be reached or closes the connection
   * @throws WitSecurityException if the server refuses the access token or the settings differ
   * @throws IllegalStateException if the client is closed or already connected
   */
  public synchronized WitClient connect(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    if (connection != null && connection.isOpen()) {
      throw new IllegalStateException("already connected to " + transport.address());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    ClientConnection cc = new ClientConnection(serializer);
    cc.attach(transport.connect(cc, timeout));
    try {
      handshake(cc, deadline);
    } catch (RuntimeException e) {
      cc.connection().close();
      throw e;
    }
    connection = cc;
    return this;
  }

  private void handshake(ClientConnection cc, long deadline) {
    String address = transport.address();
    int flags = encryption ? Handshake.FLAG_ENCRYPTION : 0;
    cc.connection()
        .send(
            Handshake.hello(
                MessageType.HELLO,
                new Handshake.Hello(Handshake.PROTOCOL_VERSION, flags, serializer.name())));
    Envelope helloAck = expect(cc, deadline, MessageType.HELLO_ACK);
    if (helloAck.status() != Status.OK.code()) {
      throw new WitSecurityException(
          address + " refused the handshake: " + Handshake.readStatusMessage(helloAck.body()));
    }
    cc.connection().send(Handshake.auth(accessToken));
    Envelope authAck = expect(cc, deadline, MessageType.AUTH_ACK);
    if (authAck.status() != Status.OK.code()) {
      throw new WitSecurityException(
          address
              + " refused authorization (status "
              + authAck.status()
              + "): "
              + Handshake.readStatusMessage(authAck.body()));
    }
  }

  private Envelope expect(ClientConnection cc, long deadline, MessageType type) {
    Envelope env = cc.awaitHandshake(deadline - System.nanoTime(), transport.address());
    if (env.type() != type) {
      throw new WitTransportException(
          transport.address() + " answered " + env.type() + " where " + type + " was expected");
    }
    return env;
  }

  private ClientConnection readyConnection() {
    ClientConnection cc = connection;
    if (cc == null || closed) {
      throw new WitTransportException(
          closed ? "the client is closed" : "not connected: call connect(Duration) first");
    }
    return cc;
  }

  /**
   * The proxy of service interface {@code iface}; one cached proxy per interface. Calls on it need
   * a connection ({@link #connect}).
   *
   * @throws IllegalArgumentException if {@code iface} is not an interface or has an invalid
   *     listener method
   */
  public <T> T service(Class<T> iface) {
    Objects.requireNonNull(iface, "iface == null");
    if (!iface.isInterface()) {
      throw new IllegalArgumentException(iface.getName() + " is not an interface");
    }
    return iface.cast(proxies.computeIfAbsent(iface, i -> ServiceProxy.create(iface, calls)));
  }

  /** True while connected and ready for calls. */
  public boolean isConnected() {
    ClientConnection cc = connection;
    return !closed && cc != null && cc.isOpen();
  }

  /** Number of calls waiting for their reply on the current connection (for tests, metrics). */
  public int pendingCallCount() {
    ClientConnection cc = connection;
    return cc == null ? 0 : cc.pending().size();
  }

  /** Disconnects (pending calls fail) and stops the client's threads. Idempotent. */
  @Override
  public void close() {
    ClientConnection cc;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      cc = connection;
    }
    if (cc != null) {
      cc.close("client closed");
    }
    timer.shutdownNow();
    asyncExecutor.shutdown();
    LOG.debug("client of {} closed", transport.address());
  }

  /**
   * Configures a {@link WitClient}. Required: a transport.
   *
   * <p>Thread safety: not thread-safe; use from one thread, then {@link #build()}.
   */
  public static final class Builder {
    private String transportUri;
    private ClientTransport transport;
    private Serializer serializer = Serializers.json();
    private boolean encryption;
    private String accessToken = "";
    private Duration timeout = Duration.ofSeconds(30);
    private Duration spinBudget = Duration.ofNanos(20_000);

    private Builder() {}

    /** The server's address as a URI, for example {@code mem://calc}. */
    public Builder transport(String uri) {
      this.transportUri = Objects.requireNonNull(uri, "uri == null");
      this.transport = null;
      return this;
    }

    /** A transport instance. */
    public Builder transport(ClientTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport == null");
      this.transportUri = null;
      return this;
    }

    /** The serializer; must match the server's. Default {@code Serializers.json()}. */
    public Builder serializer(Serializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer == null");
      return this;
    }

    /**
     * Whether the channel is encrypted. Only {@code false} is available yet.
     *
     * @throws IllegalArgumentException for {@code true}
     */
    public Builder encryption(boolean encryption) {
      if (encryption) {
        throw new IllegalArgumentException("encryption is not available yet");
      }
      this.encryption = false;
      return this;
    }

    /** The access token sent once in the handshake. Never logged. */
    public Builder accessToken(String accessToken) {
      this.accessToken = Objects.requireNonNull(accessToken, "accessToken == null");
      return this;
    }

    /** How long a call waits for its reply. Default 30 seconds; must be positive. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * How long a calling thread spins for its reply before it parks. Default 20 microseconds
     * (cheaper than a wake-up on most machines); zero parks at once.
     */
    public Builder spinBudget(Duration spinBudget) {
      Objects.requireNonNull(spinBudget, "spinBudget == null");
      if (spinBudget.isNegative() || spinBudget.compareTo(Duration.ofMillis(10)) > 0) {
        throw new IllegalArgumentException("spinBudget must be between 0 and 10 ms: " + spinBudget);
      }
      this.spinBudget = spinBudget;
      return this;
    }

    /**
     * The configured client, not yet connected.
     *
     * @throws IllegalStateException if no transport is set
     */
    public WitClient build() {
      if (transport == null && transportUri == null) {
        throw new IllegalStateException("no transport: call transport(\"mem://NAME\") or similar");
      }
      return new WitClient(this);
    }
  }
}
