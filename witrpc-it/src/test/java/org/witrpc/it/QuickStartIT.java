package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.witrpc.Listener;
import org.witrpc.client.WitClient;
import org.witrpc.server.WitServer;

/** The README's quick start, as it is shown there, over shared memory. */
class QuickStartIT {

  public interface Calculator {
    int add(int a, int b);

    CompletableFuture<String> slowEcho(String s);

    void addProgressListener(ProgressListener l);

    void removeProgressListener(ProgressListener l);
  }

  @Listener
  public interface ProgressListener {
    void onProgress(int percent);
  }

  public static class CalculatorImpl implements Calculator {
    private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public int add(int a, int b) {
      listeners.forEach(l -> l.onProgress(100));
      return a + b;
    }

    @Override
    public CompletableFuture<String> slowEcho(String s) {
      return CompletableFuture.supplyAsync(() -> s);
    }

    @Override
    public void addProgressListener(ProgressListener l) {
      listeners.add(l);
    }

    @Override
    public void removeProgressListener(ProgressListener l) {
      listeners.remove(l);
    }
  }

  /** Callbacks received before {@code close()} are delivered, so the progress line is there. */
  @Test
  void theQuickStartRunsAsWritten() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      quickStart();
    } finally {
      System.setOut(stdout);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8).lines())
        .contains("3", "hello", "progress 100%");
  }

  private static void quickStart() throws Exception {
    // the server process
    WitServer server =
        WitServer.builder()
            .service(Calculator.class, new CalculatorImpl()) // repeat for composite services
            .transport("mmf://calc") // or "pipe://calc", or "mem://calc" inside one JVM
            .build();
    server.start();

    // the client process
    try (WitClient client = WitClient.builder().transport("mmf://calc").build()) {
      client.connect(Duration.ofSeconds(5));
      Calculator calc = client.service(Calculator.class);
      calc.addProgressListener(percent -> System.out.println("progress " + percent + "%"));
      System.out.println(calc.add(1, 2)); // 3
      System.out.println(calc.slowEcho("hello").get(5, TimeUnit.SECONDS)); // hello
    }
    server.close();
  }
}
