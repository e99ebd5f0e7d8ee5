package org.witrpc;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that builds one frame: it reserves the envelope header, collects the body
 * (route prefix and serializer output are written straight into it, so the body is encoded once and
 * never copied), then fills in the header. Created per frame.
 *
 * <p>Thread safety: not thread-safe; one thread builds a frame.
 */
public final class FrameBuffer extends OutputStream {
  private byte[] bytes;
  private int count;

  /** A frame buffer with the header space reserved. */
  public FrameBuffer() {
    this(256);
  }

  /** A frame buffer with the header space reserved and room for {@code capacity} bytes. */
  public FrameBuffer(int capacity) {
    bytes = new byte[Math.max(capacity, EnvelopeCodec.HEADER_SIZE)];
    count = EnvelopeCodec.HEADER_SIZE;
  }

  private void ensure(int extra) {
    int needed = count + extra;
    if (needed < 0) {
      throw new WitSerializationException("frame larger than 2 GiB");
    }
    if (needed > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
    }
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, count, len);
    count += len;
  }

  /** Writes an unsigned 8-bit value. */
  public FrameBuffer writeU8(int v) {
    write(v);
    return this;
  }

  /** Writes an unsigned 16-bit big-endian value. */
  public FrameBuffer writeU16(int v) {
    ensure(2);
    bytes[count++] = (byte) (v >>> 8);
    bytes[count++] = (byte) v;
    return this;
  }

  /** Writes a 32-bit big-endian value. */
  public FrameBuffer writeI32(int v) {
    writeU16(v >>> 16);
    return writeU16(v & 0xFFFF);
  }

  /** Writes a 64-bit big-endian value. */
  public FrameBuffer writeI64(long v) {
    writeI32((int) (v >>> 32));
    return writeI32((int) v);
  }

  /** Writes a string as u16 length + UTF-8 bytes. */
  public FrameBuffer writeString16(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > 0xFFFF) {
      throw new WitSerializationException("string longer than 65535 UTF-8 bytes: " + s.length());
    }
    writeU16(utf8.length);
    write(utf8, 0, utf8.length);
    return this;
  }

  /** Number of body bytes written so far. */
  public int bodyLength() {
    return count - EnvelopeCodec.HEADER_SIZE;
  }

  /**
   * Fills in the header and returns the whole frame, ready to send. The buffer lets go of the
   * frame: it can be finished only once, and whoever still holds it (a serializer's per-thread
   * cache of its last output stream, say) no longer keeps the frame's bytes alive.
   *
   * @throws IllegalStateException if the frame was already finished
   */
  public ByteBuffer finish(MessageType type, int flags, int status, long correlationId) {
    if (bytes == null) {
      throw new IllegalStateException("the frame was already finished");
    }
    ByteBuffer frame = ByteBuffer.wrap(bytes, 0, count);
    EnvelopeCodec.writeHeader(frame, 0, type, flags, status, correlationId, bodyLength());
    bytes = null;
    return frame;
  }
}
