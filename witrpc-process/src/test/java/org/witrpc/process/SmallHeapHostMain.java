package org.witrpc.process;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A host JVM with a small heap for the output-files test: starts {@link
 * FailingMains.FloodsAndExits} ({@code args[1]} MiB of output) with its output in the directory
 * {@code args[0]} and prints {@code RESULT} and what its start threw, on one line, then the
 * message.
 */
public final class SmallHeapHostMain {
  public static void main(String[] args) {
    try {
      WorkerProcess.builder(Calculator.class)
          .command(JavaCommand.mainClass(FailingMains.FloodsAndExits.class).args(args[1]))
          .jvmOptions(Workers.FAST_JVM)
          .output(WorkerOutput.files(Path.of(args[0])))
          .name("flood")
          .startTimeout(Duration.ofSeconds(60))
          .start()
          .close();
      System.out.println("RESULT started");
    } catch (Throwable t) {
      System.out.println("RESULT " + t.getClass().getName());
      System.out.println(t.getMessage());
    }
    System.out.flush();
  }
}
