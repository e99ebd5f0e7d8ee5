package org.witrpc.process;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

/** Mains of workers that never serve. */
final class FailingMains {
  private FailingMains() {}

  /** Exits at once with code 3 after a complaint on stderr. */
  public static final class ExitsAtOnce {
    public static void main(String[] args) {
      System.out.println("reading the configuration");
      System.err.println("no configuration: giving up");
      System.exit(3);
    }
  }

  /**
   * The first of several started with the same {@code FIRST_FILE} exits at once with code 3; the
   * others never serve.
   */
  public static final class FirstExitsOthersHang {
    public static void main(String[] args) throws Exception {
      try {
        java.nio.file.Files.createFile(java.nio.file.Path.of(System.getenv("FIRST_FILE")));
        System.err.println("the first worker gives up");
        System.exit(3);
      } catch (java.nio.file.FileAlreadyExistsException notFirst) {
        NeverServes.main(args);
      }
    }
  }

  /** Runs but never serves. */
  public static final class NeverServes {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("thinking about serving, never will");
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** Writes {@code args[0]} MiB of chatter to stdout, then a last line, and exits with code 3. */
  public static final class FloodsAndExits {
    public static void main(String[] args) {
      PrintStream out =
          new PrintStream(
              new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
      String line = "chatter ".repeat(127) + "chatter"; // 1023 characters and a line break
      for (int i = 0; i < Integer.parseInt(args[0]) * 1024; i++) {
        out.println(line);
      }
      out.println("the last line before the exit");
      out.flush();
      System.exit(3);
    }
  }
}
