package org.witrpc.transport.mmf;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.witrpc.internal.Limits;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;
import org.witrpc.spi.TransportProvider;
import org.witrpc.spi.TransportUri;

/**
 * The {@code mmf} scheme: {@code
 * mmf://NAME?size=8MiB&spin=20us&maxClients=4&maxFrameSize=1MiB&sendTimeout=10s&dir=/path&peerUsers=alice,1001}
 * ({@code peerUsers}: see {@link PeerPolicy}). The query is read by {@link TransportUri}:
 * percent-decoded, strict about empty, repeated and unknown options. A client checks the
 * server-side options ({@code size}, {@code maxClients}) too and ignores them, so one URI serves
 * both sides. Registered for {@link java.util.ServiceLoader}.
 *
 * <p>Thread safety: stateless.
 */
public final class MmfTransportProvider implements TransportProvider {
  private static final String SIZE = "size";
  private static final String SPIN = "spin";
  private static final String DIR = "dir";
  private static final List<String> OPTIONS =
      List.of(
          SIZE,
          SPIN,
          TransportUri.MAX_CLIENTS,
          TransportUri.MAX_FRAME_SIZE,
          TransportUri.SEND_TIMEOUT,
          DIR,
          PeerPolicy.URI_OPTION);

  /** Public for {@link java.util.ServiceLoader}. */
  public MmfTransportProvider() {}

  @Override
  public String scheme() {
    return "mmf";
  }

  @Override
  public ServerTransport server(URI uri, TransportOptions defaults) {
    TransportUri parsed = TransportUri.parse(uri, scheme(), OPTIONS);
    MmfTransport.ServerBuilder b =
        configure(parsed.check(() -> MmfTransport.server(parsed.name())), parsed, defaults);
    parsed.size(SIZE).ifPresent(size -> parsed.check(() -> b.size(size)));
    return b.build();
  }

  @Override
  public ClientTransport client(URI uri, TransportOptions defaults) {
    TransportUri parsed = TransportUri.parse(uri, scheme(), OPTIONS);
    MmfTransport.ClientBuilder b =
        configure(parsed.check(() -> MmfTransport.client(parsed.name())), parsed, defaults);
    parsed.size(SIZE).ifPresent(size -> parsed.check(() -> RingDescriptor.capacityForSize(size)));
    return b.build();
  }

  private static <B extends MmfTransport.Builder<B>> B configure(
      B b, TransportUri uri, TransportOptions defaults) {
    b.options(uri.applyTo(Objects.requireNonNull(defaults, "defaults == null")));
    uri.duration(SPIN)
        .ifPresent(spin -> uri.check(() -> b.spinBudget(Limits.spinBudget(SPIN, spin))));
    uri.option(DIR).ifPresent(dir -> uri.check(() -> b.directory(Path.of(dir))));
    uri.peerPolicy().ifPresent(b::peerPolicy);
    return b;
  }
}
