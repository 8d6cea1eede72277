import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The least a JVM HTTP server that runs the CLI can do: read the request, spawn the fake, return its
 * output. No parsing, validation, timeouts, process-tree control or storage. SyncBench runs it with
 * the same JVM options as ccs to show how much of the HTTP path is the JDK and the machine.
 */
public class BaselineServer {
  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    String fake = Path.of(args[1]).toAbsolutePath().toString();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        Integer.parseInt(args[0])), 256);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      Process process = new ProcessBuilder(fake, "-p", "--output-format=json").start();
      try (OutputStream in = process.getOutputStream()) {
        in.write("hi".getBytes());
      }
      byte[] out = process.getInputStream().readAllBytes();
      process.getErrorStream().readAllBytes();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(200, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }
}
