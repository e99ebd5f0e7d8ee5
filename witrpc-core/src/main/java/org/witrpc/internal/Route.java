package org.witrpc.internal;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The binary prefix of REQUEST, SUBSCRIBE, UNSUBSCRIBE and CALLBACK bodies: which interface and
 * which method (see {@link MethodDescriptor#key()}). Written as two u16-length UTF-8 strings.
 *
 * <p>Thread safety: immutable.
 *
 * @param service fully qualified name of the service (or listener) interface
 * @param method the method key, for example {@code add(int,int)}
 */
public record Route(String service, String method) {

  /** Checks the fields. */
  public Route {
    Objects.requireNonNull(service, "service == null");
    Objects.requireNonNull(method, "method == null");
  }

  /** Writes this route to {@code out}. */
  public void write(FrameBuffer out) {
    out.writeString16(service).writeString16(method);
  }

  /** The route's encoded bytes, for callers that cache them per method. */
  public byte[] toBytes() {
    FrameBuffer fb = new FrameBuffer(64);
    write(fb);
    ByteBuffer frame = fb.finish(MessageType.REQUEST, 0, 0, 0);
    byte[] b = new byte[fb.bodyLength()];
    frame.position(EnvelopeCodec.HEADER_SIZE).get(b);
    return b;
  }

  /** Reads a route from the start of a body, advancing its position past the route. */
  public static Route read(ByteBuffer body) {
    String service = BodyReader.string16(body, "route service name");
    String method = BodyReader.string16(body, "route method key");
    return new Route(service, method);
  }

  @Override
  public String toString() {
    return service + "." + method;
  }
}
