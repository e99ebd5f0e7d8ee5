package org.witrpc.process;

import java.time.Duration;

/**
 * A host JVM for the host-death test: starts a {@link CalculatorWorker} (transport from the first
 * argument), checks it serves, prints {@code WORKER pid address} and waits to be killed.
 */
public final class HostMain {
  public static void main(String[] args) throws InterruptedException {
    WorkerProcess<Calculator> worker =
        WorkerProcess.builder(Calculator.class)
            .mainClass(CalculatorWorker.class)
            .jvmOptions("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m")
            .transport(args[0])
            .startTimeout(Duration.ofSeconds(60))
            .start();
    worker.service().add(1, 2);
    System.out.println("WORKER " + worker.pid() + " " + worker.address());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
