package org.witrpc.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test worker: serves {@link Calculator}; says hello on stdout and stderr. */
public final class CalculatorWorker implements Calculator {
  private final List<PidListener> listeners = new CopyOnWriteArrayList<>();
  private final Path calls =
      System.getenv("CALLS_FILE") == null ? null : Path.of(System.getenv("CALLS_FILE"));

  public static void main(String[] args) {
    System.out.println("calculator worker " + ProcessHandle.current().pid() + " on stdout");
    System.err.println("calculator worker " + ProcessHandle.current().pid() + " on stderr");
    WitWorker.serve(Calculator.class, new CalculatorWorker());
    System.out.println("calculator worker " + ProcessHandle.current().pid() + " ends");
  }

  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }

  @Override
  public int record(int id) {
    try {
      // one small O_APPEND write per call: lines of several workers never mix, and a write that
      // returned survives a kill -9 of this process
      Files.write(
          calls,
          (id + " " + pid() + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return id;
  }

  @Override
  public CompletableFuture<Integer> recordAfterAsync(int id, long millis) {
    return CompletableFuture.supplyAsync(() -> recordAfter(id, millis));
  }

  @Override
  public void addPidListener(PidListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removePidListener(PidListener listener) {
    listeners.remove(listener);
  }

  @Override
  public int announcePid() {
    listeners.forEach(l -> l.onPid(pid()));
    return listeners.size();
  }

  @Override
  public int recordAfter(int id, long millis) {
    sleep(millis);
    return record(id);
  }

  @Override
  public long sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return pid();
  }
}
