package org.witrpc.process;

import java.io.IOException;

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

  /** Ignores its stdin and sleeps until killed. */
  public static final class IgnoresStdin {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("READY");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
