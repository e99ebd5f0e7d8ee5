package org.witrpc.process;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The command line of a JVM to start: the host's own {@code java} binary, JVM options, what to run
 * (a main class on a class path, a module on a module path, or an executable jar) and its
 * arguments.
 *
 * <pre>{@code
 * JavaCommand.mainClass(CalculatorWorker.class)            // the host's class path
 *     .jvmOptions("-Xmx256m", "-XX:+UseSerialGC")
 *     .args("--threads", "4")
 * }</pre>
 *
 * <p>Thread safety: immutable; each method returns a changed copy.
 */
public final class JavaCommand {
  private final List<String> jvmOptions;
  private final List<String> target;
  private final List<String> args;

  private JavaCommand(List<String> jvmOptions, List<String> target, List<String> args) {
    this.jvmOptions = List.copyOf(jvmOptions);
    this.target = List.copyOf(target);
    this.args = List.copyOf(args);
  }

  /**
   * Runs {@code mainClass} as the host runs its own code: from the host's class path ({@code
   * java.class.path}), or, for a class in a named module, as {@code -m module/class} from the
   * host's module path ({@code jdk.module.path}, with the host's class path beside it, if any).
   * Relative entries are made absolute against the host's working directory, so that the JVM may
   * run in another.
   */
  public static JavaCommand mainClass(Class<?> mainClass) {
    Objects.requireNonNull(mainClass, "mainClass == null");
    String classPath = absolute(System.getProperty("java.class.path", ""));
    Module module = mainClass.getModule();
    if (!module.isNamed()) {
      return mainClass(mainClass.getName(), classPath);
    }
    List<String> target = new ArrayList<>();
    if (!System.getProperty("java.class.path", "").isEmpty()) {
      target.addAll(List.of("-cp", classPath));
    }
    String modulePath = System.getProperty("jdk.module.path", "");
    if (!modulePath.isEmpty()) { // else the module is in the runtime image (jlink)
      target.addAll(List.of("--module-path", absolute(modulePath)));
    }
    target.addAll(List.of("-m", module.getName() + "/" + mainClass.getName()));
    return new JavaCommand(List.of(), target, List.of());
  }

  /** {@code path} (entries separated as on this system) with every entry made absolute. */
  private static String absolute(String path) {
    List<String> entries = new ArrayList<>();
    for (String entry : path.split(File.pathSeparator, -1)) {
      // an empty entry means the working directory, as "." does
      entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  /** Runs the class named {@code mainClass} from {@code classPath}. */
  public static JavaCommand mainClass(String mainClass, String classPath) {
    Objects.requireNonNull(mainClass, "mainClass == null");
    Objects.requireNonNull(classPath, "classPath == null");
    return new JavaCommand(List.of(), List.of("-cp", classPath, mainClass), List.of());
  }

  /** Runs the class named {@code mainClass} from the class path made of {@code entries}. */
  public static JavaCommand mainClass(String mainClass, List<Path> entries) {
    List<String> paths = entries.stream().map(Path::toString).toList();
    return mainClass(mainClass, String.join(File.pathSeparator, paths));
  }

  /**
   * Runs a modular application: {@code java --module-path MODULE_PATH -m MODULE/MAIN}; {@code
   * moduleAndMain} is {@code module} or {@code module/mainClass}.
   */
  public static JavaCommand module(String modulePath, String moduleAndMain) {
    Objects.requireNonNull(modulePath, "modulePath == null");
    Objects.requireNonNull(moduleAndMain, "moduleAndMain == null");
    return new JavaCommand(
        List.of(), List.of("--module-path", modulePath, "-m", moduleAndMain), List.of());
  }

  /** Runs an executable jar: {@code java -jar JAR}. */
  public static JavaCommand jar(Path jar) {
    Objects.requireNonNull(jar, "jar == null");
    return new JavaCommand(List.of(), List.of("-jar", jar.toString()), List.of());
  }

  /** Adds JVM options (before the main class), after those added before. */
  public JavaCommand jvmOptions(String... options) {
    return jvmOptions(Arrays.asList(Objects.requireNonNull(options, "options == null")));
  }

  /** Adds JVM options (before the main class), after those added before. */
  public JavaCommand jvmOptions(List<String> options) {
    Objects.requireNonNull(options, "options == null");
    List<String> all = new ArrayList<>(jvmOptions);
    all.addAll(WorkerProcessBuilder.checkElements(options, "JVM options"));
    return new JavaCommand(all, target, args);
  }

  /** Adds program arguments (after the main class), after those added before. */
  public JavaCommand args(String... arguments) {
    return args(Arrays.asList(Objects.requireNonNull(arguments, "arguments == null")));
  }

  /** Adds program arguments (after the main class), after those added before. */
  public JavaCommand args(List<String> arguments) {
    Objects.requireNonNull(arguments, "arguments == null");
    List<String> all = new ArrayList<>(args);
    all.addAll(WorkerProcessBuilder.checkElements(arguments, "arguments"));
    return new JavaCommand(jvmOptions, target, all);
  }

  /** The host's {@code java} executable: {@code java.home}/bin/java. */
  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The whole command line, starting with the host's {@code java}. */
  public List<String> toList() {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(jvmOptions);
    command.addAll(target);
    command.addAll(args);
    return List.copyOf(command);
  }

  /** The command line, with a long class or module path shortened, for messages. */
  @Override
  public String toString() {
    List<String> shown = new ArrayList<>(toList());
    for (int i = 0; i < shown.size(); i++) {
      if (shown.get(i).length() > 120) {
        shown.set(i, shown.get(i).substring(0, 60) + "...(" + shown.get(i).length() + " chars)");
      }
    }
    return String.join(" ", shown);
  }
}
