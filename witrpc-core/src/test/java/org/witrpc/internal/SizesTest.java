package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "0, 0",
    "4096, 4096",
    "12B, 12",
    "1KiB, 1024",
    "64MiB, 67108864",
    "8mib, 8388608",
    "2GiB, 2147483648",
    "' 3 KiB ', 3072"
  })
  void parsesSizesWithBinarySuffixes(String text, long bytes) {
    assertThat(Sizes.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "MiB", "-1", "1.5MiB", "10MB", "10 k", "0x10"})
  void refusesWhatIsNotASize(String text) {
    assertThatThrownBy(() -> Sizes.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid size '" + text + "'")
        .hasMessageContaining("KiB, MiB or GiB");
  }

  @ParameterizedTest
  @ValueSource(strings = {"9999999999GiB", "9999999999999999999"})
  void refusesSizesThatOverflow(String text) {
    assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2GiB", "2147483648"})
  void parseIntRefusesSizesAboveTheIntRange(String text) {
    assertThatThrownBy(() -> Sizes.parseInt(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }

  @ParameterizedTest
  @ValueSource(strings = {"256MiB"})
  void parseIntReturnsSizesInTheIntRange(String text) {
    assertThat(Sizes.parseInt(text)).isEqualTo(256 << 20);
  }
}
