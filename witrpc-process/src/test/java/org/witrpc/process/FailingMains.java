package org.witrpc.process;

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

  /** Runs but never serves. */
  public static final class NeverServes {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("thinking about serving, never will");
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
