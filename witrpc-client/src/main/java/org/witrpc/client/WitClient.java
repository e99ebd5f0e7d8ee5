package org.witrpc.client;

import java.nio.ByteBuffer;
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
import org.witrpc.HandshakeTranscript;
import org.witrpc.KeyExchange;
import org.witrpc.MessageType;
import org.witrpc.SecureChannel;
import org.witrpc.Serializers;
import org.witrpc.SessionKeys;
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
    SecureChannel channel = null;
    if (encryption) {
      channel = new SecureChannel().listener(cc);
      cc.attach(channel.attach(transport.connect(channel, timeout)));
    } else {
      cc.attach(transport.connect(cc, timeout));
    }
    try {
      handshake(cc, channel, deadline);
    } catch (RuntimeException e) {
      cc.connection().close();
      throw e;
    }
    connection = cc;
    return this;
  }

  private void handshake(ClientConnection cc, SecureChannel channel, long deadline) {
    String address = transport.address();
    int flags = encryption ? Handshake.FLAG_ENCRYPTION : 0;
    Handshake.Hello ours =
        new Handshake.Hello(Handshake.PROTOCOL_VERSION, flags, serializer.name());
    KeyExchange kx = encryption ? KeyExchange.generate() : null;
    ByteBuffer hello =
        encryption
            ? Handshake.hello(MessageType.HELLO, ours, kx.publicKey())
            : Handshake.hello(MessageType.HELLO, ours);
    HandshakeTranscript transcript = new HandshakeTranscript().add(hello);
    cc.connection().send(hello);
    Envelope helloAck = expect(cc, deadline, MessageType.HELLO_ACK);
    if (helloAck.status() != Status.OK.code()) {
      throw new WitSecurityException(
          address + " refused the handshake: " + Handshake.readStatusMessage(helloAck.body()));
    }
    transcript.add(helloAck);
    Handshake.Hello theirs = Handshake.readHello(helloAck.body());
    checkSameSettings(address, ours, theirs);
    if (encryption) {
      byte[] serverKey = Handshake.readPublicKey(helloAck.body());
      SessionKeys keys = SessionKeys.derive(kx.agree(serverKey), transcript.hash());
      // the server answers AUTH only after it arrives, so AUTH_ACK is opened with these keys
      channel.start(keys.sealer(true), keys.opener(true));
      keys.wipe();
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

  /** A server that accepted HELLO but answers with other settings is not trusted either. */
  private static void checkSameSettings(
      String address, Handshake.Hello ours, Handshake.Hello theirs) {
    String mismatch = null;
    if (theirs.version() != ours.version()) {
      mismatch =
          "protocol version mismatch: client speaks version "
              + ours.version()
              + ", server speaks version "
              + theirs.version();
    } else if (!theirs.serializer().equals(ours.serializer())) {
      mismatch =
          "serializer mismatch: client uses '"
              + ours.serializer()
              + "', server uses '"
              + theirs.serializer()
              + "'";
    } else if (theirs.encryption() != ours.encryption()) {
      mismatch =
          "encryption mismatch: client has encryption "
              + (ours.encryption() ? "on" : "off")
              + ", server has it "
              + (theirs.encryption() ? "on" : "off");
    }
    if (mismatch != null) {
      throw new WitSecurityException(address + " answered the handshake with " + mismatch);
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
     * Whether the channel is encrypted (X25519 key agreement, AES-256-GCM per frame; the access
     * token then travels encrypted too). Must match the server's setting, else {@link #connect}
     * fails naming it. Default false.
     */
    public Builder encryption(boolean encryption) {
      this.encryption = encryption;
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
