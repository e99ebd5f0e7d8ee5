package org.witrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.witrpc.internal.CallMetadata;
import org.witrpc.internal.FrameBuffer;
import org.witrpc.internal.MessageType;

/**
 * Metadata keys and values are text that UTF-8 carries as it is: a lone surrogate (which UTF-8
 * would turn into '?', so that the server sees another key or value, or two keys as one) is refused
 * where it is set; surrogate pairs, and every other character, arrive unchanged.
 */
class MetadataTest {

  @Test
  void aLoneSurrogateInAKeyOrValueIsRefusedWhereItIsSet() {
    assertThatThrownBy(() -> Metadata.empty().with("k\ud800", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a metadata key must be valid Unicode: a lone surrogate at index 1");
    assertThatThrownBy(() -> Metadata.empty().with("k", "a\udc00b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a metadata value must be valid Unicode: a lone surrogate at index 1");
    assertThatThrownBy(() -> Metadata.empty().with("\ud800", new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Metadata.builder().put("k", "x\ud83d"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Metadata.builder().put("\udc00x", "v"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void surrogatePairsAndOtherTextArriveUnchanged() {
    Metadata sent =
        Metadata.empty()
            .with("emoji-\ud83d\ude00", "value \ud83c\udf89 \u00e9\u4e2d")
            .with("plain", "x");

    FrameBuffer fb = new FrameBuffer();
    CallMetadata.write(fb, CallMetadata.encode(sent));
    ByteBuffer frame = fb.finish(MessageType.REQUEST, 0, 0, 0);
    frame.position(org.witrpc.internal.EnvelopeCodec.HEADER_SIZE);
    Metadata received = CallMetadata.read(frame, 1 << 16);

    assertThat(received.keys()).containsExactly("emoji-\ud83d\ude00", "plain");
    assertThat(received.get("emoji-\ud83d\ude00")).isEqualTo("value \ud83c\udf89 \u00e9\u4e2d");
  }
}
