package org.witrpc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Summarizes a Linux {@code perf script -F comm,pid,tid,ip,sym} call-graph dump of the benchmark's
 * JVMs (run with {@code -XX:+PreserveFramePointer -XX:+DumpPerfMapAtExit} so JIT frames have
 * names): the share of CPU samples per JVM and thread, and the top places where the time goes, each
 * as the leaf (the code actually running: a copy stub, the zeroing of a new array, a kernel
 * function, a Java method) and the first Java method on the stack (who made it run). Used by {@code
 * witrpc-bench/profile.sh}.
 *
 * <p>Usage: {@code perf script -F comm,pid,tid,ip,sym | PerfSummary [--pids FILE] [--top N]}, FILE
 * as written by {@link ProfileLoop}.
 *
 * <p>Thread safety: a main class; not meant to be shared.
 */
public final class PerfSummary {
  private static final Pattern HEADER = Pattern.compile("^(\\S.*?)\\s+(\\d+)/(\\d+)\\s*$");
  private static final Pattern FRAME = Pattern.compile("^\\s+([0-9a-f]+)\\s+(.*)$");
  private static final Pattern JAVA_METHOD =
      Pattern.compile("((?:org|java|javax|jdk|sun|com|io)\\.[\\w.$]+)\\(");

  private final Map<String, Integer> places = new HashMap<>();
  private final Map<String, Integer> threads = new TreeMap<>();
  private final Map<String, String> roles = new HashMap<>();
  private int samples;

  private PerfSummary() {}

  /** See the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    Path pids = null;
    int top = 25;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pids" -> pids = Path.of(args[++i]);
        case "--top" -> top = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      System.out.print(summarize(in, pids, top));
    }
  }

  /**
   * The Markdown summary of a {@code perf script} dump.
   *
   * @param pids a file as written by {@link ProfileLoop}, or null to name JVMs by their pid
   */
  static String summarize(BufferedReader perfScript, Path pids, int top) throws IOException {
    PerfSummary summary = new PerfSummary();
    if (pids != null) {
      summary.readRoles(pids);
    }
    summary.read(perfScript);
    StringBuilder out = new StringBuilder();
    summary.print(out, top);
    return out.toString();
  }

  private void readRoles(Path file) throws IOException {
    for (String pair : Files.readString(file).trim().split("\\s+")) {
      String[] kv = pair.split("=", 2);
      roles.put(kv[1], kv[0]);
    }
  }

  private void read(BufferedReader in) throws IOException {
    String process = null;
    String thread = null;
    List<String> frames = new ArrayList<>();
    for (String line = in.readLine(); ; line = in.readLine()) {
      if (line == null || line.isBlank()) {
        if (process != null && !frames.isEmpty()) {
          add(process, thread, frames);
        }
        process = null;
        frames.clear();
        if (line == null) {
          return;
        }
        continue;
      }
      Matcher frame = FRAME.matcher(line);
      if (process != null && frame.matches()) {
        frames.add((frame.group(1).startsWith("ffffffff") ? "[kernel] " : "") + frame.group(2));
        continue;
      }
      Matcher header = HEADER.matcher(line);
      if (header.matches()) {
        process = roles.getOrDefault(header.group(2), "pid " + header.group(2));
        thread = header.group(1).trim();
      }
    }
  }

  private void add(String process, String thread, List<String> frames) {
    samples++;
    threads.merge(process + " | " + thread, 1, Integer::sum);
    String javaFrame = "-";
    for (String f : frames) {
      Matcher m = JAVA_METHOD.matcher(f);
      if (m.find()) {
        javaFrame = shorten(m.group(1));
        break;
      }
    }
    places.merge(process + " | " + leaf(frames.get(0)) + " | " + javaFrame, 1, Integer::sum);
  }

  private static String leaf(String symbol) {
    if (symbol.contains("StubRoutines")) {
      return "copy (JIT arraycopy stub)";
    }
    if (symbol.contains("memset")) {
      return "zeroing (memset)";
    }
    if (symbol.contains("memmove") || symbol.contains("memcpy")) {
      return "copy (libc)";
    }
    Matcher m = JAVA_METHOD.matcher(symbol);
    if (m.find()) {
      return shorten(m.group(1));
    }
    String plain = symbol.replaceAll("\\+0x[0-9a-f]+$", "");
    return plain.length() > 60 ? plain.substring(0, 60) : plain;
  }

  /** {@code org.witrpc.transport.mmf.RingBuffer.take} to {@code RingBuffer.take}. */
  private static String shorten(String qualifiedMethod) {
    int method = qualifiedMethod.lastIndexOf('.');
    int type = qualifiedMethod.lastIndexOf('.', method - 1);
    return qualifiedMethod.substring(type + 1);
  }

  private void print(StringBuilder out, int top) {
    out.append(
        String.format("%d samples%n%n| share | JVM \\| thread |%n| ---: | --- |%n", samples));
    threads.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(12)
        .forEach(
            e -> out.append(String.format("| %.1f%% | %s |%n", percent(e.getValue()), e.getKey())));
    out.append(
        String.format(
            "%n| share | JVM | running (leaf) | first Java method on the stack |%n"
                + "| ---: | --- | --- | --- |%n"));
    places.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e -> out.append(String.format("| %.1f%% | %s |%n", percent(e.getValue()), e.getKey())));
  }

  private double percent(int count) {
    return 100.0 * count / Math.max(1, samples);
  }
}
