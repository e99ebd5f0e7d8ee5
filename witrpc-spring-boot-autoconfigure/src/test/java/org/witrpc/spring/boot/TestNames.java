package org.witrpc.spring.boot;

import java.util.concurrent.atomic.AtomicInteger;

/** Fresh mem:// names, so that tests never meet each other's servers. */
final class TestNames {
  private static final AtomicInteger NEXT = new AtomicInteger();

  private TestNames() {}

  static String memUri() {
    return "mem://boot-test-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
  }
}
