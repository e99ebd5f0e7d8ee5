package org.witrpc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.witrpc.spi.Connection;

/**
 * A test frame that says who wrote it and lets its reader check it is whole: writer id, sequence
 * number, payload length, payload, and a CRC-32 of everything before it. Sent in three parts to
 * exercise gathering writes.
 *
 * <p>Thread safety: immutable.
 */
record SelfDescribingFrame(int writer, int sequence) {

  private static final int HEADER = 12;
  private static final int TRAILER = 8;

  static void send(Connection connection, int writer, int sequence) {
    int payloadLength = (sequence * 31 + writer * 7) % 3000;
    ByteBuffer header = ByteBuffer.allocate(HEADER).putInt(writer).putInt(sequence);
    header.putInt(payloadLength).flip();
    ByteBuffer payload = ByteBuffer.allocate(payloadLength);
    for (int i = 0; i < payloadLength; i++) {
      payload.put(i, (byte) (writer * 31 + sequence + i));
    }
    CRC32 crc = new CRC32();
    crc.update(header.duplicate());
    crc.update(payload.duplicate());
    ByteBuffer trailer = ByteBuffer.allocate(TRAILER).putLong(0, crc.getValue());
    connection.send(header, payload, trailer);
  }

  static SelfDescribingFrame parse(ByteBuffer frame) {
    assertThat(frame.remaining()).as("frame length").isGreaterThanOrEqualTo(HEADER + TRAILER);
    int payloadLength = frame.getInt(8);
    assertThat(frame.remaining()).as("frame length").isEqualTo(HEADER + payloadLength + TRAILER);
    CRC32 crc = new CRC32();
    crc.update(frame.slice(0, HEADER + payloadLength));
    assertThat(frame.getLong(HEADER + payloadLength)).as("checksum").isEqualTo(crc.getValue());
    return new SelfDescribingFrame(frame.getInt(0), frame.getInt(4));
  }
}
