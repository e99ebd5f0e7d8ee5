package org.witrpc.testkit;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The plain-Java implementation of {@link TestService}, also {@link Calculator} and Greeter. */
public class TestServiceImpl implements TestService, Calculator, Greeter {
  private final List<PropertyChangedListener> propertyListeners = new CopyOnWriteArrayList<>();
  private final List<ProgressListener> progressListeners = new CopyOnWriteArrayList<>();
  private final List<ComplexListener> complexListeners = new CopyOnWriteArrayList<>();
  private volatile String name = "initial";

  @Override
  public String echo(String value) {
    return value;
  }

  @Override
  public int echo(int value) {
    return value;
  }

  @Override
  public double echoDouble(double value) {
    return value;
  }

  @Override
  public OffsetDateTime echoTime(OffsetDateTime value) {
    return value;
  }

  @Override
  public byte[] echoBytes(byte[] value) {
    return value;
  }

  @Override
  public byte[] concat(byte[] first, String middle, byte[] last) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(first == null ? new byte[0] : first);
    out.writeBytes(middle == null ? new byte[0] : middle.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(last == null ? new byte[0] : last);
    return out.toByteArray();
  }

  @Override
  public ComplexNumber<Integer, Double> echoComplex(ComplexNumber<Integer, Double> value) {
    return value;
  }

  @Override
  public Color echoColor(Color value) {
    return value;
  }

  @Override
  public List<ComplexNumber<Integer, Double>> echoList(List<ComplexNumber<Integer, Double>> value) {
    return value;
  }

  @Override
  public Map<String, ComplexNumber<String, Long>> echoMap(
      Map<String, ComplexNumber<String, Long>> value) {
    return value;
  }

  @Override
  public Optional<String> echoOptional(Optional<String> value) {
    return value;
  }

  @Override
  public String requestNullable(String value) {
    return value == null ? "null" : value + "!";
  }

  @Override
  public String returnNull() {
    return null;
  }

  @Override
  public String joinNullable(String a, Integer b, String c) {
    return a + "|" + b + "|" + c;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public void setName(String name) {
    this.name = name;
    for (PropertyChangedListener l : propertyListeners) {
      l.onPropertyChanged("name", name);
    }
  }

  @Override
  public void addPropertyChangedListener(PropertyChangedListener listener) {
    propertyListeners.add(listener);
  }

  @Override
  public void removePropertyChangedListener(PropertyChangedListener listener) {
    propertyListeners.remove(listener);
  }

  @Override
  public void addProgressListener(ProgressListener listener) {
    progressListeners.add(listener);
  }

  @Override
  public void removeProgressListener(ProgressListener listener) {
    progressListeners.remove(listener);
  }

  @Override
  public void addComplexListener(ComplexListener listener) {
    complexListeners.add(listener);
  }

  @Override
  public void removeComplexListener(ComplexListener listener) {
    complexListeners.remove(listener);
  }

  @Override
  public void startProcessing(int steps, String stage) {
    for (int i = 1; i <= steps; i++) {
      for (ProgressListener l : progressListeners) {
        l.onProgress(i, stage);
      }
    }
  }

  @Override
  public void fireComplex(
      ComplexNumber<String, Long> value, List<Color> colors, OffsetDateTime at) {
    for (ComplexListener l : complexListeners) {
      l.onComplex(value, colors, at);
    }
  }

  @Override
  public int progressListenerCount() {
    return progressListeners.size();
  }

  @Override
  public CompletableFuture<String> echoAsync(String value) {
    return CompletableFuture.supplyAsync(
        () -> value.toUpperCase(java.util.Locale.ROOT),
        CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
  }

  @Override
  public CompletionStage<Integer> addAsync(int a, int b) {
    return CompletableFuture.supplyAsync(
        () -> a + b, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
  }

  /** Calls of {@link #never()} and {@link #slowEcho} that reached this implementation. */
  private final java.util.concurrent.atomic.AtomicInteger callsReceived =
      new java.util.concurrent.atomic.AtomicInteger();

  /** How many {@code never()} and {@code slowEcho} calls have reached the implementation. */
  public int slowOrNeverCallsReceived() {
    return callsReceived.get();
  }

  @Override
  public CompletableFuture<String> never() {
    callsReceived.incrementAndGet();
    return new CompletableFuture<>();
  }

  @Override
  public void fail(String message) {
    throw new IllegalStateException(message);
  }

  @Override
  public String slowEcho(String value, long millis) {
    callsReceived.incrementAndGet();
    try {
      Thread.sleep(millis); // simulates slow work on the server, not a wait for a condition
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return value;
  }

  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public long multiply(long a, long b) {
    return a * b;
  }

  @Override
  public String greet(String name) {
    return "Hello, " + name;
  }
}
