/**
 * Worker processes: {@link org.witrpc.process.WorkerProcess} launches a worker JVM (or any command)
 * on a fresh address with a fresh access token, waits until it serves, and hands out the typed
 * proxy of its service; {@link org.witrpc.process.WitWorker} is the worker's side; {@link
 * org.witrpc.process.WorkerPool} spreads calls over several workers. The transport comes from a
 * transport module on the module path (or class path), as for any witrpc client and server.
 */
module org.witrpc.process {
  requires transitive org.witrpc.server;
  requires transitive org.witrpc.client;
  requires org.slf4j;

  exports org.witrpc.process;
}
