/**
 * The witrpc client: {@link org.witrpc.client.WitClient} connects to a server over any witrpc
 * transport and hands out dynamic proxies of the server's interfaces. The transport itself comes
 * from a transport module on the module path (or class path), found through {@link
 * java.util.ServiceLoader}.
 *
 * <p>An application module that calls an interface exports the interface's package (at least to
 * {@code org.witrpc.client}); see the README's "Java modules" section.
 */
module org.witrpc.client {
  requires transitive org.witrpc;
  requires org.slf4j;

  exports org.witrpc.client;
}
