package org.witrpc.process;

import java.util.Objects;

/**
 * The rule for the names of workers and child processes: they name loggers, output files and
 * threads.
 *
 * <p>Thread safety: stateless.
 */
final class ProcessNames {
  private ProcessNames() {}

  /**
   * Returns {@code name} if it has 1 to 64 characters from {@code A-Z a-z 0-9 . _ -}.
   *
   * @throws IllegalArgumentException otherwise
   */
  static String check(String name) {
    Objects.requireNonNull(name, "name == null");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "invalid name '" + name + "': use 1 to 64 characters from A-Z a-z 0-9 . _ -");
    }
    return name;
  }
}
