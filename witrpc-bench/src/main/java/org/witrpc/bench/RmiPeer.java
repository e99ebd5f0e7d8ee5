package org.witrpc.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.rmi.RemoteException;
import java.rmi.server.UnicastRemoteObject;
import java.util.Base64;

/**
 * Java RMI as a peer: the server exports a {@link RmiBenchService} on an anonymous loopback port
 * and hands the client its serialized stub (Base64 on the {@code READY} line), so no registry is
 * needed. The client side adapts the stub to {@link BenchService}, so the same measurements run
 * against it.
 *
 * <p>Thread safety: stateless; the adapter is as thread-safe as the RMI stub (fully).
 */
final class RmiPeer {
  /**
   * What the RMI connect time includes, for the report. RMI has no connect step: a stub opens TCP
   * connections when it needs one and the JVM keeps idle ones for reuse, so after the first stub
   * this is a new stub and a first call over a pooled connection.
   */
  static final String CONNECT_TIMED = "stub deserialization + first add call (pooled TCP)";

  private RmiPeer() {}

  /** Exports a service and returns its stub, serialized and Base64-encoded. */
  static String export() throws IOException {
    RmiBenchService stub =
        (RmiBenchService) UnicastRemoteObject.exportObject(new Implementation(), 0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(stub);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** The service behind a stub from {@link #export}. */
  static BenchService connect(String encodedStub) {
    byte[] bytes = Base64.getDecoder().decode(encodedStub);
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return new Adapter((RmiBenchService) in.readObject());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the RMI stub", e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("cannot read the RMI stub", e);
    }
  }

  private static final class Implementation implements RmiBenchService {
    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public String echo(String text) {
      return text;
    }

    @Override
    public byte[] echoBytes(byte[] data) {
      return data;
    }
  }

  private record Adapter(RmiBenchService stub) implements BenchService {
    @Override
    public int add(int a, int b) {
      try {
        return stub.add(a, b);
      } catch (RemoteException e) {
        throw new IllegalStateException("RMI add failed", e);
      }
    }

    @Override
    public String echo(String text) {
      try {
        return stub.echo(text);
      } catch (RemoteException e) {
        throw new IllegalStateException("RMI echo failed", e);
      }
    }

    @Override
    public byte[] echoBytes(byte[] data) {
      try {
        return stub.echoBytes(data);
      } catch (RemoteException e) {
        throw new IllegalStateException("RMI echoBytes failed", e);
      }
    }

    @Override
    public int emit(int count) {
      throw new UnsupportedOperationException("events are not measured over RMI");
    }

    @Override
    public void fireTimedEvent() {
      throw new UnsupportedOperationException("events are not measured over RMI");
    }

    @Override
    public void fireTimedEventsAfter(int count, long gapNanos) {
      throw new UnsupportedOperationException("events are not measured over RMI");
    }

    @Override
    public void addBenchListener(BenchListener listener) {
      throw new UnsupportedOperationException("events are not measured over RMI");
    }

    @Override
    public void removeBenchListener(BenchListener listener) {
      throw new UnsupportedOperationException("events are not measured over RMI");
    }
  }
}
