package org.witrpc.transport.mmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.witrpc.Listener;
import org.witrpc.Serializers;
import org.witrpc.client.WitClient;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;
import org.witrpc.spi.Serializer;

/**
 * Large {@code byte[]} arguments and results over real shared memory, where the ring receives such
 * a value straight into its own array ({@link RingBuffer#receiveValuesApart}) and the decoders take
 * it as it is: every shape of call gives back exactly what was sent, whether the value is taken
 * apart (a {@code byte[]} argument or result, first among several, around other values, async) or
 * not (declared {@code Object}, the second large array, inside a list, JSON, encrypted), and it is
 * taken apart exactly where it should be.
 */
class MmfValueApartTest {
  private static final int MIB = 1 << 20;

  /** Calls with large arrays in every place. */
  public interface Blobs {
    byte[] echo(byte[] data);

    long sum(int before, byte[] data, String after);

    byte[] second(byte[] first, byte[] second);

    int lengthOf(Object data);

    CompletableFuture<byte[]> echoAsync(byte[] data);

    List<byte[]> wrap(byte[] data);
  }

  static final class BlobsImpl implements Blobs {
    @Override
    public byte[] echo(byte[] data) {
      return data;
    }

    @Override
    public long sum(int before, byte[] data, String after) {
      return checksum(data) + before + after.length();
    }

    @Override
    public byte[] second(byte[] first, byte[] second) {
      return second;
    }

    @Override
    public int lengthOf(Object data) {
      return data instanceof byte[] b ? b.length : -1;
    }

    @Override
    public CompletableFuture<byte[]> echoAsync(byte[] data) {
      return CompletableFuture.supplyAsync(() -> data);
    }

    @Override
    public List<byte[]> wrap(byte[] data) {
      return List.of(data);
    }
  }

  /** Gets large arrays from the server, between two other arguments. */
  @Listener
  public interface DataListener {
    void onData(int seq, byte[] data, String tag);
  }

  /** A service that sends its listeners large arrays when asked. */
  public interface Feed {
    void addDataListener(DataListener listener);

    void removeDataListener(DataListener listener);

    /** Sends every listener {@code count} events, each with {@code size} random bytes (seed 7). */
    void send(int count, int size);
  }

  static final class FeedImpl implements Feed {
    private final List<DataListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void addDataListener(DataListener listener) {
      listeners.add(listener);
    }

    @Override
    public void removeDataListener(DataListener listener) {
      listeners.remove(listener);
    }

    @Override
    public void send(int count, int size) {
      Random random = new Random(7);
      for (int i = 0; i < count; i++) {
        byte[] data = random(random, size + i);
        for (DataListener listener : listeners) {
          listener.onData(i, data, "tag" + i);
        }
      }
    }
  }

  /** A started server of {@code impl} on {@code mmf://name}. */
  private static <T> WitServer serve(
      String name,
      Class<T> service,
      T impl,
      Serializer format,
      boolean encrypted,
      Dispatch dispatch) {
    return WitServer.builder()
        .service(service, impl)
        .transport("mmf://" + name)
        .serializer(format)
        .encryption(encrypted)
        .dispatch(dispatch)
        .build()
        .start();
  }

  /** A client of {@code mmf://name}, connected, with room for slow large calls. */
  private static WitClient connect(String name, Serializer format, boolean encrypted) {
    WitClient client =
        WitClient.builder()
            .transport("mmf://" + name)
            .serializer(format)
            .encryption(encrypted)
            .timeout(Duration.ofSeconds(60))
            .build();
    try {
      return client.connect(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  static long checksum(byte[] data) {
    long s = 0;
    for (int i = 0; i < data.length; i++) {
      s = s * 31 + data[i];
    }
    return s;
  }

  private static byte[] random(Random random, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0}, {1}, encryption {2}")
  @CsvSource({
    "msgpack, AUTO, false",
    "msgpack, EXECUTOR, false",
    "msgpack, AUTO, true",
    "json, AUTO, false"
  })
  void everyShapeOfCallGivesBackWhatWasSent(String serializer, Dispatch dispatch, boolean encrypted)
      throws Exception {
    String name = "mva" + ProcessHandle.current().pid() + serializer + dispatch + encrypted;
    Serializer format = serializer.equals("json") ? Serializers.json() : Serializers.messagePack();
    WitServer server = serve(name, Blobs.class, new BlobsImpl(), format, encrypted, dispatch);
    try (WitClient client = connect(name, format, encrypted)) {
      Blobs blobs = client.service(Blobs.class);
      Random random = new Random(42);
      long apartBefore = RingBuffer.VALUES_APART.sum();
      for (int size : new int[] {MIB + 17, 3 * MIB, 17 * MIB + 5}) {
        byte[] data = random(random, size);
        assertThat(blobs.echo(data)).isEqualTo(data);
        assertThat(blobs.sum(7, data, "after")).isEqualTo(checksum(data) + 7 + 5);
        byte[] other = random(random, 2 * MIB);
        assertThat(blobs.second(data, other)).isEqualTo(other);
        assertThat(blobs.second(other, data)).isEqualTo(data);
        if (format != Serializers.json()) { // JSON has no binary: an Object arrives as Base64 text
          assertThat(blobs.lengthOf(data)).isEqualTo(size);
        }
        assertThat(blobs.echoAsync(data).get(60, TimeUnit.SECONDS)).isEqualTo(data);
        assertThat(blobs.wrap(data)).singleElement().isEqualTo(data);
      }
      // per size: echo 2 (request and reply), sum 1, second 2 + 2, lengthOf 0 (an Object),
      // echoAsync 2, wrap 1 (its reply is a list); none sealed or in JSON
      long apart = RingBuffer.VALUES_APART.sum() - apartBefore;
      assertThat(apart).isEqualTo(serializer.equals("msgpack") && !encrypted ? 3 * 10 : 0);
    } finally {
      server.close();
    }
  }

  @ParameterizedTest(name = "{0}, encryption {1}")
  @CsvSource({"msgpack, false", "msgpack, true", "json, false"})
  void eventsWithLargeArraysArriveIntact(String serializer, boolean encrypted) throws Exception {
    String name = "mve" + ProcessHandle.current().pid() + serializer + encrypted;
    Serializer format = serializer.equals("json") ? Serializers.json() : Serializers.messagePack();
    WitServer server = serve(name, Feed.class, new FeedImpl(), format, encrypted, Dispatch.AUTO);
    try (WitClient client = connect(name, format, encrypted)) {
      Feed feed = client.service(Feed.class);
      int events = 6;
      BlockingQueue<Object[]> got = new LinkedBlockingQueue<>();
      feed.addDataListener((seq, data, tag) -> got.add(new Object[] {seq, data, tag}));
      long apartBefore = RingBuffer.VALUES_APART.sum();

      feed.send(events, 3 * MIB);

      Random random = new Random(7);
      for (int i = 0; i < events; i++) {
        Object[] event = got.poll(60, TimeUnit.SECONDS);
        assertThat(event).as("event %d", i).isNotNull();
        assertThat(event[0]).isEqualTo(i);
        assertThat((byte[]) event[1]).isEqualTo(random(random, 3 * MIB + i));
        assertThat(event[2]).isEqualTo("tag" + i);
      }
      long apart = RingBuffer.VALUES_APART.sum() - apartBefore;
      assertThat(apart).isEqualTo(serializer.equals("msgpack") && !encrypted ? events : 0);
    } finally {
      server.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"AUTO", "EXECUTOR"})
  void largeAndSmallCallsFromSeveralThreadsStayIntact(Dispatch dispatch) throws Exception {
    String name = "mvt" + ProcessHandle.current().pid() + dispatch;
    Serializer format = Serializers.messagePack();
    WitServer server = serve(name, Blobs.class, new BlobsImpl(), format, false, dispatch);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (WitClient client = connect(name, format, false)) {
      Blobs blobs = client.service(Blobs.class);
      long apartBefore = RingBuffer.VALUES_APART.sum();
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            threads.submit(
                () -> {
                  Random random = new Random(thread);
                  int intact = 0;
                  for (int i = 0; i < 10; i++) {
                    byte[] data = random(random, i % 2 == 0 ? 64 : MIB + random.nextInt(3 * MIB));
                    if (Arrays.equals(blobs.echo(data), data)
                        && blobs.sum(i, data, "x") == checksum(data) + i + 1) {
                      intact++;
                    }
                  }
                  return intact;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(120, TimeUnit.SECONDS)).isEqualTo(10);
      }
      // 4 threads x 5 large echoes (request and reply) and 5 large sums (request)
      assertThat(RingBuffer.VALUES_APART.sum() - apartBefore).isEqualTo(4 * (5 * 2 + 5));
    } finally {
      threads.shutdownNow();
      server.close();
    }
  }
}
