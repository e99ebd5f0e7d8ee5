package com.example.calc.app;

import com.example.calc.api.Calculator;
import com.example.calc.api.Point;
import com.example.calc.api.ProgressListener;
import com.example.calc.impl.CalculatorImpl;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.witrpc.Serializers;
import org.witrpc.client.WitClient;
import org.witrpc.process.JavaCommand;
import org.witrpc.process.WitWorker;
import org.witrpc.process.WorkerProcess;
import org.witrpc.server.WitServer;
import org.witrpc.spi.Serializer;

/**
 * {@code server URI SERIALIZER} serves until stdin closes; {@code client URI SERIALIZER} calls the
 * server and prints what came back, one {@code key=value} line each; {@code host} starts this main
 * as a worker process ({@code worker}) and calls it.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("host")) {
      host();
      return;
    }
    if (args[0].equals("worker")) {
      WitWorker.serve(Calculator.class, new CalculatorImpl());
      return;
    }
    String uri = args[1];
    Serializer serializer =
        args[2].equals("msgpack") ? Serializers.messagePack() : Serializers.json();
    String token = System.getProperty("calc.token", "module-path-it");
    if (args[0].equals("server")) {
      serve(uri, serializer, token);
    } else {
      call(uri, serializer, token);
    }
  }

  private static void serve(String uri, Serializer serializer, String token) throws Exception {
    try (WitServer server =
        WitServer.builder()
            .service(Calculator.class, new CalculatorImpl())
            .transport(uri)
            .serializer(serializer)
            .encryption(true)
            .accessToken(token)
            .build()) {
      server.start();
      printModules();
      System.out.println("READY " + server.address());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent closes our stdin
      }
    }
  }

  private static void call(String uri, Serializer serializer, String token) throws Exception {
    try (WitClient client =
        WitClient.builder()
            .transport(uri)
            .serializer(serializer)
            .encryption(true)
            .accessToken(token)
            .build()) {
      client.connect(Duration.ofSeconds(10));
      Calculator calc = client.service(Calculator.class);
      System.out.println("add=" + calc.add(2, 3));
      System.out.println("midpoint=" + calc.midpoint(new Point(0, 0), new Point(2, 4)));
      System.out.println("echoLater=" + calc.echoLater("hi").get(10, TimeUnit.SECONDS));
      List<Integer> seen = new CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(4);
      ProgressListener listener =
          percent -> {
            seen.add(percent);
            done.countDown();
          };
      calc.addProgressListener(listener);
      calc.runJob(4);
      System.out.println("events=" + done.await(10, TimeUnit.SECONDS) + " " + seen);
      calc.removeProgressListener(listener);
      printModules();
    }
  }

  /** Starts this module's own main as a worker, from the module path, and calls it. */
  private static void host() {
    try (WorkerProcess<Calculator> worker =
        WorkerProcess.builder(Calculator.class)
            .command(JavaCommand.mainClass(Main.class).args("worker"))
            .startTimeout(Duration.ofSeconds(60))
            .start()) {
      System.out.println("worker.add=" + worker.service().add(2, 3));
    }
  }

  /** Which modules the witrpc classes came from, and whether the internals stayed closed. */
  private static void printModules() throws ClassNotFoundException {
    Module app = Main.class.getModule();
    Module core = Serializers.class.getModule();
    System.out.println("module.app=" + app.getName());
    System.out.println("module.core=" + core.getName());
    System.out.println("module.server=" + WitServer.class.getModule().getName());
    System.out.println("module.client=" + WitClient.class.getModule().getName());
    for (String transport :
        new String[] {
          "org.witrpc.transport.mmf",
          "org.witrpc.transport.pipes",
          "org.witrpc.transport.tcp",
          "org.witrpc.transport.websocket"
        }) {
      System.out.println(
          "module.present." + transport + "=" + ModuleLayer.boot().findModule(transport).isPresent());
    }
    Class<?> internal = Class.forName("org.witrpc.internal.Handshake");
    System.out.println(
        "internal.exportedToApp=" + internal.getModule().isExported("org.witrpc.internal", app));
    System.out.println(
        "internal.exportedToClient="
            + internal.getModule().isExported("org.witrpc.internal", WitClient.class.getModule()));
  }
}
