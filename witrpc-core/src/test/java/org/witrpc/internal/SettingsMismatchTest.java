package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettingsMismatchTest {
  private static final int ENC = Handshake.FLAG_ENCRYPTION;
  private static final int BIND = Handshake.FLAG_TOKEN_BINDING;

  private static Handshake.Hello hello(int version, int flags, String serializer) {
    return new Handshake.Hello(version, flags, serializer);
  }

  @Test
  void sameSettingsFitWhateverTheTokenBindingOfEitherSide() {
    assertThat(SettingsMismatch.between(hello(3, 0, "json"), hello(3, 0, "json"))).isEmpty();
    assertThat(SettingsMismatch.between(hello(3, ENC | BIND, "json"), hello(3, ENC, "json")))
        .isEmpty();
    assertThat(SettingsMismatch.between(hello(3, ENC, "json"), hello(3, ENC | BIND, "json")))
        .isEmpty();
  }

  @Test
  void eachDifferenceIsNamedWithBothSides() {
    assertThat(SettingsMismatch.between(hello(2, 0, "json"), hello(3, 0, "json")))
        .contains("protocol version mismatch: client speaks version 2, server speaks version 3");
    assertThat(SettingsMismatch.between(hello(3, 0, "msgpack"), hello(3, 0, "json")))
        .contains("serializer mismatch: client uses 'msgpack', server uses 'json'");
    assertThat(SettingsMismatch.between(hello(3, 0, "json"), hello(3, ENC, "json")))
        .contains("encryption mismatch: client has encryption off, server has it on");
    assertThat(SettingsMismatch.between(hello(3, ENC, "json"), hello(3, 0, "json")))
        .contains("encryption mismatch: client has encryption on, server has it off");
  }

  @Test
  void theFirstDifferenceInProtocolOrderIsNamed() {
    assertThat(SettingsMismatch.between(hello(9, ENC, "msgpack"), hello(3, 0, "json")))
        .hasValueSatisfying(m -> assertThat(m).startsWith("protocol version mismatch"));
    assertThat(SettingsMismatch.between(hello(3, ENC, "msgpack"), hello(3, 0, "json")))
        .hasValueSatisfying(m -> assertThat(m).startsWith("serializer mismatch"));
  }

  @Test
  void aClientThatBindsTheTokenWithoutEncryptionIsRefused() {
    assertThat(SettingsMismatch.between(hello(3, BIND, "json"), hello(3, 0, "json")))
        .contains("token binding (flags bit 1) requires encryption (flags bit 0)");
  }
}
