package org.witrpc.testkit;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The service of the shared RPC contract: every transport's tests and the cross-process tests call
 * it through a proxy. {@link TestServiceImpl} is its plain-Java implementation.
 */
public interface TestService {
  String echo(String value);

  int echo(int value);

  double echoDouble(double value);

  OffsetDateTime echoTime(OffsetDateTime value);

  byte[] echoBytes(byte[] value);

  /** {@code first}, then {@code middle} in UTF-8, then {@code last}; a null counts as empty. */
  byte[] concat(byte[] first, String middle, byte[] last);

  ComplexNumber<Integer, Double> echoComplex(ComplexNumber<Integer, Double> value);

  Color echoColor(Color value);

  List<ComplexNumber<Integer, Double>> echoList(List<ComplexNumber<Integer, Double>> value);

  Map<String, ComplexNumber<String, Long>> echoMap(Map<String, ComplexNumber<String, Long>> value);

  Optional<String> echoOptional(Optional<String> value);

  /** Returns "null" for null, else the value with a "!" appended. */
  String requestNullable(String value);

  /** Returns null. */
  String returnNull();

  /** Joins the three values with "|", writing "null" for a null. */
  String joinNullable(String a, Integer b, String c);

  String getName();

  /** Sets the name and fires onPropertyChanged("name", value) once. */
  void setName(String name);

  void addPropertyChangedListener(PropertyChangedListener listener);

  void removePropertyChangedListener(PropertyChangedListener listener);

  void addProgressListener(ProgressListener listener);

  void removeProgressListener(ProgressListener listener);

  void addComplexListener(ComplexListener listener);

  void removeComplexListener(ComplexListener listener);

  /** Fires onProgress(i, stage) for i = 1..steps to every progress listener, in order. */
  void startProcessing(int steps, String stage);

  /** Fires onComplex(value, colors, at) to every complex listener. */
  void fireComplex(ComplexNumber<String, Long> value, List<Color> colors, OffsetDateTime at);

  /** How many progress listeners the implementation holds. */
  int progressListenerCount();

  /** Completes later, on another thread, with the value upper-cased. */
  CompletableFuture<String> echoAsync(String value);

  /** Completes later, on another thread, with a + b. */
  CompletionStage<Integer> addAsync(int a, int b);

  /** Never completes. */
  CompletableFuture<String> never();

  /** Throws IllegalStateException(message). */
  void fail(String message);

  /** Sleeps, then returns the value. */
  String slowEcho(String value, long millis);

  /** Runs on the client, through the proxy. */
  default String shout(String value) {
    return echo(value).toUpperCase(java.util.Locale.ROOT) + "!";
  }
}
