package org.witrpc.internal;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.witrpc.WitSerializationException;

/**
 * A growable byte buffer that builds one frame: it reserves the envelope header, collects the body
 * (route prefix and serializer output are written straight into it, so the body is encoded once and
 * never copied), then fills in the header. Created per frame.
 *
 * <p>Large arrays can be appended by reference ({@link #writeReference}): {@link #finishParts} then
 * returns the frame as several buffers, the referenced arrays among them, for a gathering send, so
 * a 16 MiB {@code byte[]} argument goes from the caller's array to the transport without being
 * copied into the frame first.
 *
 * <p>Thread safety: not thread-safe; one thread builds a frame.
 */
public final class FrameBuffer extends OutputStream {
  private byte[] bytes;
  private int count;

  /** Arrays appended by reference, each with where it goes in {@code bytes}; null if none. */
  private List<Reference> references;

  private long referencedBytes;

  private record Reference(int at, byte[] array, int offset, int length) {}

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
    if (needed < 0 || needed + referencedBytes > Integer.MAX_VALUE) {
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

  /**
   * Appends {@code len} bytes of {@code b} without copying them: the frame refers to the array
   * until it is sent, so the caller must not change those bytes before then.
   */
  public void writeReference(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (bodyLength() + (long) len > Integer.MAX_VALUE - EnvelopeCodec.HEADER_SIZE) {
      throw new WitSerializationException("frame larger than 2 GiB");
    }
    if (references == null) {
      references = new ArrayList<>(2);
    }
    references.add(new Reference(count, b, off, len));
    referencedBytes += len;
  }

  /**
   * Drops the frame without sending it: the buffer lets go of its bytes and of the arrays appended
   * by reference (a serializer's per-thread cache may still hold the buffer itself). For the error
   * paths; the buffer cannot be finished afterwards.
   */
  public void discard() {
    bytes = null;
    references = null;
    referencedBytes = 0;
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

  /** Number of body bytes written so far, those appended by reference included. */
  public int bodyLength() {
    return (int) (count - EnvelopeCodec.HEADER_SIZE + referencedBytes);
  }

  /**
   * Fills in the header and returns the whole frame in one buffer, ready to send; arrays appended
   * by reference are copied into it. The buffer lets go of the frame: it can be finished only once,
   * and whoever still holds it (a serializer's per-thread cache of its last output stream, say) no
   * longer keeps the frame's bytes alive.
   *
   * @throws IllegalStateException if the frame was already finished
   */
  public ByteBuffer finish(MessageType type, int flags, int status, long correlationId) {
    ByteBuffer[] parts = finishParts(type, flags, status, correlationId);
    if (parts.length == 1) {
      return parts[0];
    }
    ByteBuffer whole = ByteBuffer.allocate(EnvelopeCodec.HEADER_SIZE + bodyLength());
    for (ByteBuffer part : parts) {
      whole.put(part);
    }
    return whole.flip();
  }

  /**
   * Fills in the header and returns the frame as the buffers to send in order (one, unless arrays
   * were appended by reference), for {@link org.witrpc.spi.Connection#send}. Lets go of the frame
   * as {@link #finish} does.
   *
   * @throws IllegalStateException if the frame was already finished
   */
  public ByteBuffer[] finishParts(MessageType type, int flags, int status, long correlationId) {
    if (bytes == null) {
      throw new IllegalStateException("the frame was already finished");
    }
    ByteBuffer head = ByteBuffer.wrap(bytes, 0, count);
    EnvelopeCodec.writeHeader(head, 0, type, flags, status, correlationId, bodyLength());
    bytes = null;
    if (references == null) {
      return new ByteBuffer[] {head};
    }
    List<ByteBuffer> parts = new ArrayList<>(2 * references.size() + 1);
    int from = 0;
    for (Reference r : references) {
      if (r.at() > from) {
        parts.add(head.duplicate().position(from).limit(r.at()).slice());
      }
      parts.add(ByteBuffer.wrap(r.array(), r.offset(), r.length()));
      from = r.at();
    }
    if (count > from) {
      parts.add(head.duplicate().position(from).limit(count).slice());
    }
    references = null;
    return parts.toArray(ByteBuffer[]::new);
  }
}
