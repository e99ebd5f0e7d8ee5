package org.witrpc.bench;

import org.witrpc.process.WitWorker;

/**
 * The demo's worker process: serves {@link DemoService} on the address, with the token, serializer
 * and encryption that its host ({@link Demo}) put in its environment, until the host stops it or
 * dies.
 *
 * <p>Thread safety: a main class; not meant to be shared.
 */
public final class DemoWorker {
  private DemoWorker() {}

  /** Started by {@link Demo} through a {@code WorkerProcess}; takes no arguments. */
  public static void main(String[] args) {
    WitWorker.serve(DemoService.class, new DemoServiceImpl());
  }
}
