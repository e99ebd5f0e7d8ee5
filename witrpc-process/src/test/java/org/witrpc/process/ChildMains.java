package org.witrpc.process;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;

/** Mains of child processes that are not workers. */
final class ChildMains {
  private ChildMains() {}

  /**
   * Prints {@code READY <pid>} after {@code args[0]} lines of chatter (default none), reads its
   * stdin to the end, prints {@code BYE} and exits with code 7.
   */
  public static final class UntilStdinEnds {
    public static void main(String[] args) throws IOException {
      int chatter = args.length > 0 ? Integer.parseInt(args[0]) : 0;
      for (int i = 0; i < chatter; i++) {
        System.out.println("chatter " + i);
      }
      System.out.println("READY " + ProcessHandle.current().pid());
      System.err.println("waiting for the end of stdin");
      System.out.flush();
      while (System.in.read() >= 0) {
        // only the end matters
      }
      System.out.println("BYE");
      System.exit(7);
    }
  }

  /**
   * Prints {@code args[0]} lines of chatter, {@code READY <pid>} and {@code args[1]} more lines in
   * one burst, as a busy child's buffered output comes, then waits for the end of its stdin.
   */
  public static final class Chatty {
    public static void main(String[] args) throws IOException {
      PrintStream out =
          new PrintStream(
              new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20));
      for (int i = 0; i < Integer.parseInt(args[0]); i++) {
        out.println("chatter " + i);
      }
      out.println("READY " + ProcessHandle.current().pid());
      for (int i = 0; i < Integer.parseInt(args[1]); i++) {
        out.println("more chatter " + i);
      }
      out.flush();
      while (System.in.read() >= 0) {
        // only the end matters
      }
    }
  }

  /** Ignores its stdin and sleeps until killed. */
  public static final class IgnoresStdin {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("READY");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
