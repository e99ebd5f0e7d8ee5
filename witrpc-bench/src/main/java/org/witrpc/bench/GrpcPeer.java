package org.witrpc.bench;

import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * gRPC-java as a peer, without code generation: two unary methods on raw {@code byte[]} messages
 * ({@code add}: 8 bytes in, 4 out; {@code echo}: its input back), over a Unix domain socket or TCP
 * loopback, plain or with TLS ({@link Wire}), on Netty's native epoll transport where it loads and
 * NIO otherwise ({@link #label} says which). Both sides use a direct executor (handlers run on the
 * event loop), the closest match to witrpc's AUTO dispatch of quick methods.
 *
 * <p>Thread safety: the client adapter is thread-safe (a gRPC channel is).
 */
final class GrpcPeer implements BenchService, AutoCloseable {
  /** What the gRPC connect time includes, for the report. */
  static final String CONNECT_TIMED = "new channel (own event loop) to READY";

  private static final String SERVICE = "witrpc.bench.Bench";
  private static final int MAX_MESSAGE = 64 << 20;
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new BytesMarshaller();
  private static final MethodDescriptor<byte[], byte[]> ADD = method("add");
  private static final MethodDescriptor<byte[], byte[]> ECHO = method("echo");

  /** The transport under gRPC. */
  enum Wire {
    /** A Unix domain socket; needs epoll. */
    UNIX_SOCKET,
    /** TCP on 127.0.0.1, plain HTTP/2. */
    TCP,
    /** TCP on 127.0.0.1 with TLS (JDK provider, ALPN {@code h2}), as witrpc's {@code tcp://}. */
    TCP_TLS
  }

  private final EventLoopGroup group;
  private final ManagedChannel channel;

  private GrpcPeer(EventLoopGroup group, ManagedChannel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** Whether Netty's native epoll transport loads here (else NIO on TCP loopback is used). */
  static boolean epollAvailable() {
    return Epoll.isAvailable();
  }

  /** The target's label in the reports, naming the transport honestly. */
  static String label(Wire wire) {
    String netty = epollAvailable() ? "Netty epoll" : "Netty NIO";
    return switch (wire) {
      case UNIX_SOCKET -> "gRPC-java (" + netty + ", Unix socket)";
      case TCP -> "gRPC-java (" + netty + ", TCP loopback)";
      case TCP_TLS -> "gRPC-java (" + netty + ", TCP loopback, TLS)";
    };
  }

  private static MethodDescriptor<byte[], byte[]> method(String name) {
    return MethodDescriptor.newBuilder(BYTES, BYTES)
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .build();
  }

  /**
   * Server: serves {@code add} and {@code echo} on the Unix socket {@code socket} or on an
   * ephemeral TCP loopback port, with {@code certificates}' server certificate for {@link
   * Wire#TCP_TLS}; prints {@code READY ADDRESS} (the socket path or the port) and runs until stdin
   * ends.
   *
   * @param socket the Unix socket for {@link Wire#UNIX_SOCKET}, else ignored
   * @param certificates the server certificate for {@link Wire#TCP_TLS}, else ignored
   */
  static void serve(Wire wire, Path socket, BenchCertificates certificates)
      throws IOException, InterruptedException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(SERVICE)
            .addMethod(
                ADD,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      ByteBuffer in = ByteBuffer.wrap(request);
                      response.onNext(
                          ByteBuffer.allocate(4).putInt(0, in.getInt(0) + in.getInt(4)).array());
                      response.onCompleted();
                    }))
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      response.onNext(request);
                      response.onCompleted();
                    }))
            .build();
    boolean unix = wire == Wire.UNIX_SOCKET;
    EventLoopGroup boss = group();
    EventLoopGroup worker = group();
    SocketAddress address =
        unix ? new DomainSocketAddress(socket.toString()) : new InetSocketAddress("127.0.0.1", 0);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(address)
            .channelType(serverChannel(wire))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(worker)
            .directExecutor()
            .maxInboundMessageSize(MAX_MESSAGE)
            .addService(service);
    if (wire == Wire.TCP_TLS) {
      builder.sslContext(
          GrpcSslContexts.forServer(certificates.chain().toFile(), certificates.key().toFile())
              .build());
    }
    Server server = builder.build();
    try {
      server.start();
      ChildMain.ready(unix ? socket.toString() : Integer.toString(server.getPort()));
      ChildMain.awaitStdinEnd();
    } finally {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      worker.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * Client: connects to a server's {@code READY} address ({@link #serve}).
   *
   * @param certificates the authority to trust for {@link Wire#TCP_TLS}, else ignored
   */
  static GrpcPeer connect(String address, Wire wire, BenchCertificates certificates) {
    EventLoopGroup group = group();
    try {
      SocketAddress target =
          wire == Wire.UNIX_SOCKET
              ? new DomainSocketAddress(address)
              : new InetSocketAddress("127.0.0.1", Integer.parseInt(address));
      NettyChannelBuilder builder =
          NettyChannelBuilder.forAddress(target)
              .channelType(clientChannel(wire))
              .eventLoopGroup(group)
              .directExecutor()
              .maxInboundMessageSize(MAX_MESSAGE);
      if (wire == Wire.TCP_TLS) {
        builder.sslContext(
            GrpcSslContexts.forClient().trustManager(certificates.authority().toFile()).build());
      } else {
        builder.usePlaintext();
      }
      return new GrpcPeer(group, builder.build());
    } catch (SSLException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot set up gRPC's TLS", e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * Client: {@link #connect}, then waits until the channel is READY (connected, and the server's
   * HTTP/2 settings have arrived), so a first call needs no connection setup.
   *
   * @throws TimeoutException if the channel is not READY within {@code timeout}
   */
  static GrpcPeer connectReady(
      String address, Wire wire, BenchCertificates certificates, Duration timeout)
      throws InterruptedException, TimeoutException {
    GrpcPeer peer = connect(address, wire, certificates);
    try {
      peer.awaitReady(timeout);
      return peer;
    } catch (InterruptedException | TimeoutException | RuntimeException e) {
      peer.close();
      throw e;
    }
  }

  private void awaitReady(Duration timeout) throws InterruptedException, TimeoutException {
    CountDownLatch ready = new CountDownLatch(1);
    openWhenReady(ready);
    if (!ready.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new TimeoutException(
          "gRPC channel not READY within " + timeout + ", state " + channel.getState(false));
    }
  }

  /** Asks the channel to connect and re-checks on every state change until it is READY. */
  private void openWhenReady(CountDownLatch ready) {
    ConnectivityState state = channel.getState(true);
    if (state == ConnectivityState.READY) {
      ready.countDown();
    } else if (state != ConnectivityState.SHUTDOWN) {
      channel.notifyWhenStateChanged(state, () -> openWhenReady(ready));
    }
  }

  private static EventLoopGroup group() {
    return new MultiThreadIoEventLoopGroup(
        1, epollAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  private static Class<? extends ServerChannel> serverChannel(Wire wire) {
    if (wire == Wire.UNIX_SOCKET) {
      return EpollServerDomainSocketChannel.class;
    }
    return epollAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  private static Class<? extends Channel> clientChannel(Wire wire) {
    if (wire == Wire.UNIX_SOCKET) {
      return EpollDomainSocketChannel.class;
    }
    return epollAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  @Override
  public int add(int a, int b) {
    byte[] request = ByteBuffer.allocate(8).putInt(0, a).putInt(4, b).array();
    return ByteBuffer.wrap(call(ADD, request)).getInt(0);
  }

  @Override
  public String echo(String text) {
    return new String(call(ECHO, text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @Override
  public byte[] echoBytes(byte[] data) {
    return call(ECHO, data);
  }

  private byte[] call(MethodDescriptor<byte[], byte[]> method, byte[] request) {
    return ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT, request);
  }

  @Override
  public int emit(int count) {
    throw new UnsupportedOperationException("events are not measured over gRPC");
  }

  @Override
  public void fireTimedEvent() {
    throw new UnsupportedOperationException("events are not measured over gRPC");
  }

  @Override
  public void fireTimedEventsAfter(int count, long gapNanos) {
    throw new UnsupportedOperationException("events are not measured over gRPC");
  }

  @Override
  public void addBenchListener(BenchListener listener) {
    throw new UnsupportedOperationException("events are not measured over gRPC");
  }

  @Override
  public void removeBenchListener(BenchListener listener) {
    throw new UnsupportedOperationException("events are not measured over gRPC");
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** {@code byte[]} messages as they are: no protobuf, no code generation. */
  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read a gRPC message", e);
      }
    }
  }
}
