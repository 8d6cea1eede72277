package dev.ccs.httpd.reload;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.ConfigException;
import dev.ccs.core.config.ConfigLoader;
import dev.ccs.core.config.ConfigReload;
import dev.ccs.core.config.LoadedConfig;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies edits of the config file while the server runs. It watches the file's directory (so an
 * editor that saves by writing a new file and renaming it over the old one is seen too), waits
 * until the file has been quiet for the debounce time, and also compares the file's size, time
 * and inode at every poll interval (where watching is unavailable, or an event was lost). It
 * only ever reads the file. A valid edit is applied at once ({@link ConfigReload}: live keys now,
 * restart-only keys reported); an invalid one is refused with one log line naming the problem,
 * and the running config stays.
 */
public final class ConfigReloader implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  /** What one reload did. */
  public record Outcome(boolean applied, List<String> changed, List<String> pendingRestart, String problem) {
  }

  private final Path file;
  private final Map<String, String> environment;
  private final java.util.Set<String> argumentKeys;
  private final CcsConfig startFile;
  private final Ccs ccs;
  private final Consumer<CcsConfig> check;
  private final Consumer<CcsConfig> apply;
  private final Duration debounce;
  private final Duration pollInterval;
  private volatile List<String> pendingRestart = List.of();
  private volatile LoadedConfig lastLoaded;
  private volatile Thread watcher;
  private volatile boolean closed;
  private Object lastStamp;

  /**
   * @param start the file as loaded at start (with environment overrides, before command-line ones)
   * @param argumentKeys the keys the command line set ({@code port}, {@code host}); they stay as set
   * @param check refuses a config the server cannot take (throws {@link IllegalStateException})
   * @param apply applies what the HTTP server holds (rate limits, keys, log level)
   */
  public ConfigReloader(LoadedConfig start, Map<String, String> environment, java.util.Set<String> argumentKeys,
      Ccs ccs, Consumer<CcsConfig> check, Consumer<CcsConfig> apply, Duration debounce, Duration pollInterval) {
    this.file = start.file();
    this.environment = Map.copyOf(environment);
    this.argumentKeys = java.util.Set.copyOf(argumentKeys);
    this.startFile = start.config();
    this.lastLoaded = start;
    this.ccs = Objects.requireNonNull(ccs);
    this.check = check;
    this.apply = apply;
    this.debounce = debounce;
    this.pollInterval = pollInterval;
    this.lastStamp = stamp();
  }

  /** Starts watching (a daemon thread). */
  public ConfigReloader start() {
    return start(true);
  }

  /** As {@link #start()}; without {@code watch}, as where the file system cannot be watched: polling only. */
  ConfigReloader start(boolean watch) {
    Thread thread = new Thread(() -> watch(watch), "ccs-config-watch");
    thread.setDaemon(true);
    watcher = thread;
    thread.start();
    return this;
  }

  /** The keys changed in the file that wait for a restart. */
  public List<String> pendingRestart() {
    return pendingRestart;
  }

  /** The keys the command line set. */
  public java.util.Set<String> argumentKeys() {
    return argumentKeys;
  }

  /** The file as last read successfully (what {@code GET /api/config} tells sources from). */
  public LoadedConfig lastLoaded() {
    return lastLoaded;
  }

  /** Reads the file and applies it now ({@code POST /api/config/reload}, or a change seen). */
  public synchronized Outcome reload() {
    LoadedConfig loaded;
    ConfigReload.Result result;
    try {
      loaded = ConfigLoader.reload(file, environment);
      result = ConfigReload.of(ccs.config(), startFile, loaded.config());
      check.accept(result.applied());
    } catch (ConfigException | IllegalStateException | IllegalArgumentException e) {
      String problem = e.getMessage().replace('\n', ' ');
      LOG.warn("config reload refused, the running config stays: {}", problem);
      return new Outcome(false, List.of(), pendingRestart, problem);
    }
    lastLoaded = loaded;
    pendingRestart = result.pendingRestart();
    if (result.anyChange()) {
      ccs.reconfigure(result.applied());
      apply.accept(result.applied());
      LOG.info("config reloaded from {}: {} changed{}", file, String.join(", ", result.changed()),
          result.pendingRestart().isEmpty() ? "" : "; waiting for a restart: " + String.join(", ", result.pendingRestart()));
    } else if (!result.pendingRestart().isEmpty()) {
      LOG.info("config file {} changed; waiting for a restart: {}", file, String.join(", ", result.pendingRestart()));
    }
    return new Outcome(true, result.changed(), result.pendingRestart(), null);
  }

  private void watch(boolean watch) {
    WatchService service = watch ? watchService() : null;
    try {
      while (!closed) {
        boolean touched = service == null ? sleep(pollInterval) : awaitEvent(service);
        if (closed) {
          return;
        }
        if (touched || !Objects.equals(stamp(), lastStamp)) {
          settle();
          lastStamp = stamp();
          if (lastStamp != null) {
            reload();
          } else {
            LOG.warn("config file {} is gone; the running config stays", file);
          }
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // Closed.
    } finally {
      if (service != null) {
        try {
          service.close();
        } catch (IOException e) {
          // Nothing held.
        }
      }
    }
  }

  /** A watch on the file's directory, or null where it cannot be watched (then polling alone finds edits). */
  private WatchService watchService() {
    WatchService service = null;
    try {
      service = FileSystems.getDefault().newWatchService();
      file.getParent().register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      return service;
    } catch (IOException | UnsupportedOperationException e) {
      LOG.info("cannot watch {} ({}); checking it every {} ms instead", file.getParent(), e.getMessage(),
          pollInterval.toMillis());
      if (service != null) {
        try {
          service.close(); // created, but the directory could not be registered with it
        } catch (IOException ignored) {
          // Nothing held.
        }
      }
      return null;
    }
  }

  /** Whether an event named the file within the poll interval. */
  private boolean awaitEvent(WatchService service) throws InterruptedException {
    WatchKey key = service.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    if (key == null) {
      return false;
    }
    boolean ours = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      Object context = event.context();
      ours |= event.kind() == StandardWatchEventKinds.OVERFLOW || file.getFileName().equals(context);
    }
    key.reset();
    return ours;
  }

  /** Waits until the file has not changed for the debounce time (an editor's several writes, one reload). */
  private void settle() throws InterruptedException {
    Object before = stamp();
    while (true) {
      Thread.sleep(debounce.toMillis());
      Object after = stamp();
      if (Objects.equals(before, after)) {
        return;
      }
      if (closed) {
        return;
      }
      before = after;
    }
  }

  private static boolean sleep(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
    return false;
  }

  /** Size, modification time and inode of the file; null while it is missing (mid-rename). */
  private Object stamp() {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return List.of(a.size(), a.lastModifiedTime().toMillis(), String.valueOf(a.fileKey()));
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread thread = watcher;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
