/**
 * A modular application that serves and calls a witrpc interface: what the README's "Java modules"
 * section asks of an application, and no more.
 */
module com.example.calc {
  requires org.witrpc.server;
  requires org.witrpc.client;
  requires org.witrpc.process; // the "host" mode starts itself as a worker
  // The exported API below uses witrpc's @Listener: whoever reads it reads org.witrpc too.
  requires transitive org.witrpc;

  // The service interface, its listener and the types it passes: witrpc's proxies and stubs
  // implement them, the server calls them, and Jackson reads and writes the records.
  exports com.example.calc.api;
}
