/**
 * The witrpc server: {@link org.witrpc.server.WitServer} exposes Java objects through their
 * interfaces over any witrpc transport. The transport itself comes from a transport module on the
 * module path (or class path), found through {@link java.util.ServiceLoader}.
 *
 * <p>An application module that serves an interface exports (or opens) the interface's package to
 * {@code org.witrpc.server}; see the README's "Java modules" section.
 */
module org.witrpc.server {
  requires transitive org.witrpc;
  requires org.slf4j;

  exports org.witrpc.server;
}
