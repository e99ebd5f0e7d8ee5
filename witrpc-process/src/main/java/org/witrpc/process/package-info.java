/**
 * Worker processes: launch a worker JVM, call it through a typed proxy, supervise it, pool it.
 *
 * <p>The host side: {@link org.witrpc.process.WorkerProcess#builder(Class)} says what to run (a
 * main class on the host's class path, a class path, a module path, a jar, or any command line),
 * with JVM options, environment, working directory, transport ({@code mmf} by default, or {@code
 * pipe}) and start timeout, and {@link org.witrpc.process.WorkerProcessBuilder#start()} returns
 * once the worker serves. The worker gets a fresh, unguessable address and a fresh 256-bit access
 * token through its environment (never on the command line); the connection is encrypted with the
 * token bound into the key agreement. The worker's stdout and stderr go to the host's SLF4J log
 * under {@code org.witrpc.process.WORKER_NAME} (INFO and WARN) or to files ({@link
 * org.witrpc.process.WorkerOutput}).
 *
 * <p>The worker side: {@link org.witrpc.process.WitWorker#serve(Class, Object)} in the worker's
 * {@code main} serves until the host asks it to stop or the host dies; a {@code kill -9} of the
 * host ends its workers within milliseconds (the end of the host's connection), and within about a
 * second at worst (the host process's exit).
 *
 * <p>Supervision: a {@link org.witrpc.process.RestartPolicy} restarts a worker that died, on the
 * same address with the same token, so the host's proxy keeps working; a {@link
 * org.witrpc.process.HealthCheck} kills a worker whose process lives but no longer answers; {@link
 * org.witrpc.process.WorkerListener}s see every {@link org.witrpc.process.WorkerState} change. A
 * {@link org.witrpc.process.WorkerPool} puts several workers behind one proxy.
 *
 * <p>A JVM that is not a worker (a client, a peer under test, a server of another library) is
 * started with the same launching and output handling by {@link org.witrpc.process.ChildProcess},
 * whose stdin ends when the host closes it or dies.
 *
 * <pre>{@code
 * // the worker's main class
 * public final class CalculatorWorker {
 *   public static void main(String[] args) {
 *     WitWorker.serve(Calculator.class, new CalculatorImpl());
 *   }
 * }
 *
 * // the host
 * try (WorkerProcess<Calculator> worker =
 *     WorkerProcess.builder(Calculator.class)
 *         .mainClass(CalculatorWorker.class)
 *         .jvmOptions("-Xmx512m")
 *         .restartPolicy(RestartPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(5)))
 *         .start()) {
 *   Calculator calc = worker.service();
 *   calc.add(1, 2);
 * }
 * }</pre>
 */
package org.witrpc.process;
