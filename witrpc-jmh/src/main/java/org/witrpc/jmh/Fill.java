package org.witrpc.jmh;

/** Deterministic filler bytes for benchmark inputs. Thread safety: stateless. */
final class Fill {
  private Fill() {}

  /** {@code length} bytes of a repeating pattern that depends on {@code seed}. */
  static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }
}
