package dev.ccs.examples;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.httpd.CcsHttpServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the HTTP API inside an application of your own, from a config file of its own.
 *
 * <pre>java -cp ... dev.ccs.examples.HttpServerMain [config.json]</pre>
 */
public final class HttpServerMain {

  private HttpServerMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    Path configFile = args.length > 0 ? Path.of(args[0]) : Path.of("ccs-example", "config.json");
    CcsConfig config = ConfigLoader.load(configFile, System.getenv()).config();
    Ccs ccs = Ccs.builder(config).build();
    CcsHttpServer server = CcsHttpServer.start(ccs, config.host(), config.port());
    System.out.println("ccs serving on http://" + config.host() + ":" + server.port() + " (Ctrl-C stops it)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close(); // stop taking requests
      ccs.close();    // end every running claude process
      stopped.countDown();
    }));
    stopped.await();
  }
}
