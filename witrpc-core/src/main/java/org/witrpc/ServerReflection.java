package org.witrpc;

/**
 * The reflection service every server offers by default (unless built with {@code
 * WitServer.Builder.reflection(false)}): what the server serves, for tools and for calls without
 * the interface class ({@code WitClient.dynamic()}).
 *
 * <p>It is an ordinary witrpc service, routed as {@code org.witrpc.ServerReflection} / {@code
 * describe()}: a client reaches it only after the same handshake, access token and limits as any
 * call. A server with reflection off answers it 404 NOT_FOUND like any unknown service. Its answer
 * is built from the classes the server registered; it never loads a class from a name that came
 * over the wire.
 *
 * <p>Thread safety: the server's implementation is immutable and safe for concurrent use.
 */
public interface ServerReflection {

  /** The wire key of {@link #describe()}: {@value}. */
  String DESCRIBE_KEY = "describe()";

  /**
   * The server's protocol, serializer, transport and the services its application registered (not
   * this reflection service itself), in the order they were registered.
   */
  ServerDescription describe();
}
