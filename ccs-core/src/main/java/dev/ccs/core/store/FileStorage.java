package dev.ccs.core.store;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.balance.ProviderStateStore;
import dev.ccs.core.stats.StatisticsStore;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.session.MessagePage;
import dev.ccs.core.session.MessageQuery;
import dev.ccs.core.session.MessageStore;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionFilter;
import dev.ccs.core.session.SessionStore;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.task.TaskStore;
import dev.ccs.core.webhook.DeliveryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: one JSON file per session and one append-only JSON-lines log of messages per
 * session, under a data directory that one process at a time may own.
 *
 * <pre>
 * dataDir/.lock                   held for the owner's life (a second server is refused)
 * dataDir/clean-shutdown          present only between a clean close and the next open
 * dataDir/sessions/&lt;uuid&gt;.json    the session record (temp file, fsync, atomic rename)
 * dataDir/messages/&lt;uuid&gt;.jsonl   its messages, and after each turn a {"_session": ...} snapshot
 * dataDir/tasks/journal-&lt;n&gt;.jsonl  tasks, one line per change (RecordJournal), with a snapshot file
 * dataDir/webhooks/journal-&lt;n&gt;.jsonl  webhook deliveries, the same way
 * dataDir/balance/providers.json   the load balancer's provider states (ProviderStateFile)
 * dataDir/statistics/ccs-statistics.json  the statistics snapshot (StatisticsFile)
 * dataDir/auth/keys.json           the named API keys, hashes only (ApiKeyFile)
 * </pre>
 *
 * <p>A turn costs one durable write: its messages and the session's new state go to the log in one
 * append and one fsync. The session file is written later, when the store is closed: until then
 * the log's last snapshot is the newest record of the session. After an unclean stop (no
 * {@code clean-shutdown} marker) every log is checked: a torn last line is cut off and a session
 * file older than its log's last snapshot, or missing, is rewritten from it. Reads are served from
 * memory.
 */
public final class FileStorage implements Storage {

  private static final Logger LOG = LoggerFactory.getLogger(FileStorage.class);

  private final Path dataDir;
  private final Path sessionsDir;
  private final Path messagesDir;
  private final DataDirectoryLock lock;
  private final SessionIndex index = new SessionIndex();
  private final Object[] locks = Locks.stripes();
  /** Sessions whose file is behind their newest state (recorded in their log), written at close. */
  private final Set<UUID> unflushed = ConcurrentHashMap.newKeySet();
  private final SessionLogs logs;
  private final SessionFiles files;
  private final Sessions sessions = new Sessions();
  private final Messages messages = new Messages();
  private final TaskRecords tasks;
  private final DeliveryRecords deliveries;
  private final ProviderStateFile providerStates;
  private final StatisticsFile statistics;
  private final ApiKeyFile apiKeys;
  private final boolean recovered;
  private volatile boolean closed;

  private FileStorage(Path dataDir, Clock clock) {
    this.dataDir = dataDir;
    this.sessionsDir = dataDir.resolve("sessions");
    this.messagesDir = dataDir.resolve("messages");
    this.logs = new SessionLogs(messagesDir);
    this.files = new SessionFiles(sessionsDir, dataDir.resolve("corrupt"), clock);
    try {
      AtomicFiles.createPrivateDirectories(dataDir);
      Files.createDirectories(sessionsDir);
      Files.createDirectories(messagesDir);
    } catch (IOException e) {
      throw new StoreException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
    }
    this.lock = DataDirectoryLock.acquire(dataDir);
    TaskRecords openedTasks = null;
    try {
      Path marker = dataDir.resolve("clean-shutdown");
      boolean clean = Files.deleteIfExists(marker);
      // From here on a crash must be noticed at the next start.
      AtomicFiles.forceDirectory(dataDir);
      files.load(index::put);
      logs.load();
      openedTasks = new TaskRecords(dataDir.resolve("tasks"));
      deliveries = new DeliveryRecords(dataDir.resolve("webhooks"));
      providerStates = new ProviderStateFile(dataDir.resolve("balance"), dataDir.resolve("corrupt"), clock);
      statistics = new StatisticsFile(dataDir.resolve("statistics"), dataDir.resolve("corrupt"), clock);
      apiKeys = new ApiKeyFile(dataDir.resolve("auth"), dataDir.resolve("corrupt"), clock);
      tasks = openedTasks;
      // No marker and nothing stored means a new directory, not a crash.
      boolean fresh = index.size() == 0 && logs.ids().isEmpty();
      recovered = !clean && !fresh && recover();
      List<String> nodeFiles = NodeDataFiles.in(dataDir);
      if (!nodeFiles.isEmpty()) {
        LOG.warn("{} holds the Node server's data ({}): it is left as it is and not read; ccs keeps its own "
            + "files beside it. To bring its sessions, tasks and statistics over, stop ccs and run: ccs import",
            dataDir, String.join(", ", nodeFiles));
      }
    } catch (IOException | RuntimeException e) {
      if (openedTasks != null) {
        openedTasks.close();
      }
      lock.close();
      throw e instanceof StoreException se ? se : new StoreException("cannot open " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens (creating if needed) and locks {@code dataDir}.
   *
   * @throws StoreException when another process owns it, or it cannot be read
   */
  public static FileStorage open(Path dataDir) {
    return open(dataDir, Clock.systemUTC());
  }

  /** As {@link #open(Path)}; {@code clock} dates the files it sets aside as corrupt. */
  public static FileStorage open(Path dataDir, Clock clock) {
    return new FileStorage(dataDir.toAbsolutePath().normalize(), clock);
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Whether opening found the signs of an unclean stop and repaired the store. */
  public boolean recoveredFromCrash() {
    return recovered;
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public MessageStore messages() {
    return messages;
  }

  @Override
  public TaskStore tasks() {
    return tasks;
  }

  @Override
  public DeliveryStore deliveries() {
    return deliveries;
  }

  @Override
  public ProviderStateStore providerStates() {
    return providerStates;
  }

  @Override
  public StatisticsStore statistics() {
    return statistics;
  }

  @Override
  public dev.ccs.core.auth.ApiKeyStore apiKeys() {
    return apiKeys;
  }

  @Override
  public void prepareTurn(UUID sessionId) {
    checkOpen();
    logs.prepare(sessionId);
  }

  @Override
  public Session recordTurn(Session updated, List<StoredMessage> turnMessages) {
    synchronized (Locks.of(locks, updated.id())) {
      Session stored = checkedNext(updated);
      List<String> lines = new ArrayList<>(turnMessages.stream().map(SessionLogs::messageLine).toList());
      lines.add(SessionLogs.snapshotLine(stored));
      appendToLog(updated.id(), lines, true);
      writeSession(stored, false);
      index.put(stored);
      return stored;
    }
  }

  /** Flushes session files written without a flush, leaves the clean-shutdown marker, unlocks. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      tasks.close();
      deliveries.close();
      for (UUID id : unflushed) {
        Optional<Session> session = index.get(id);
        if (session.isPresent()) {
          // Each file synced, the directory once after the loop.
          files.write(session.get(), false);
        }
      }
      files.syncDirectory();
      AtomicFiles.forceDirectory(messagesDir);
      unflushed.clear();
      AtomicFiles.write(dataDir.resolve("clean-shutdown"), "clean\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      LOG.warn("could not flush {} cleanly; the next start will check every log: {}", dataDir, e.getMessage());
    } finally {
      lock.close();
    }
  }

  // ---------------------------------------------------------------- loading and recovery

  /** After an unclean stop: repairs every log and brings each session up to its log's last snapshot. */
  private boolean recover() throws IOException {
    int repairedLines = 0;
    int restored = 0;
    for (UUID id : List.copyOf(logs.ids())) {
      Optional<Session> current = index.get(id);
      if (current.isEmpty() && logs.deleteIfEmpty(id)) {
        continue;
      }
      if (MessageLog.repair(logs.file(id)) > 0) {
        repairedLines++;
      }
      Session snapshot = logs.lastSnapshot(id).orElse(null);
      if (snapshot != null && (current.isEmpty() || current.get().version() < snapshot.version())) {
        writeSession(snapshot, true);
        index.put(snapshot);
        restored++;
      }
    }
    LOG.info("{} was not closed cleanly: checked {} message logs, cut {} torn line(s), restored {} session(s)",
        dataDir, logs.ids().size(), repairedLines, restored);
    return true;
  }

  // ---------------------------------------------------------------- files

  /**
   * Writes the session's file now ({@code durable}), or leaves it for the close: the caller has
   * recorded the new state durably in the session's log, or (a new session about to get its first
   * turn) accepts that a crash before that turn forgets it.
   */
  private void writeSession(Session session, boolean durable) {
    checkOpen();
    if (!durable) {
      unflushed.add(session.id());
      return;
    }
    try {
      files.write(session, true);
    } catch (IOException e) {
      throw new StoreException("cannot write session " + session.id() + ": " + e.getMessage(), e);
    }
    unflushed.remove(session.id());
  }

  private void appendToLog(UUID id, List<String> lines, boolean durable) {
    checkOpen();
    logs.append(id, lines, durable);
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("the store of " + dataDir + " is closed");
    }
  }

  private Session checkedNext(Session updated) {
    Session current = index.get(updated.id())
        .orElseThrow(() -> new CcsException.NotFound("Session not found: " + updated.id()));
    if (current.version() != updated.version()) {
      throw new StaleVersionException("session " + updated.id() + " changed concurrently (version "
          + current.version() + ", expected " + updated.version() + ")");
    }
    return updated.withVersion(current.version() + 1);
  }

  // ---------------------------------------------------------------- the two views

  private final class Sessions implements SessionStore {

    @Override
    public Session create(Session session, boolean durable) {
      synchronized (Locks.of(locks, session.id())) {
        if (index.get(session.id()).isPresent()) {
          throw new StaleVersionException("session " + session.id() + " already exists");
        }
        Session stored = session.withVersion(1);
        writeSession(stored, durable);
        index.put(stored);
        return stored;
      }
    }

    @Override
    public Optional<Session> get(UUID id) {
      return index.get(id);
    }

    @Override
    public Session update(Session session, boolean durable) {
      synchronized (Locks.of(locks, session.id())) {
        Session stored = checkedNext(session);
        writeSession(stored, durable);
        index.put(stored);
        return stored;
      }
    }

    @Override
    public boolean delete(UUID id) {
      return delete(id, true);
    }

    @Override
    public boolean purge(UUID id) {
      return delete(id, false);
    }

    private boolean delete(UUID id, boolean durable) {
      synchronized (Locks.of(locks, id)) {
        boolean existed = index.get(id).isPresent();
        files.delete(id, durable);
        index.remove(id);
        unflushed.remove(id);
        return existed;
      }
    }

    @Override
    public List<Session> list(SessionFilter filter, int limit) {
      return index.list(filter, limit);
    }

    @Override
    public List<Session> search(String text, int limit) {
      return index.search(text, limit);
    }

    @Override
    public List<Session> all() {
      return index.all();
    }

    @Override
    public List<Session> updatedBefore(Instant cutoff, int limit) {
      return index.updatedBefore(cutoff, limit);
    }

    @Override
    public int size() {
      return index.size();
    }

    @Override
    public long metadataBytes() {
      return index.metadataBytes();
    }
  }

  private final class Messages implements MessageStore {

    @Override
    public void append(UUID sessionId, List<StoredMessage> toAppend, boolean durable) {
      List<String> lines = new ArrayList<>();
      for (StoredMessage message : toAppend) {
        lines.add(SessionLogs.messageLine(message));
      }
      synchronized (Locks.of(locks, sessionId)) {
        appendToLog(sessionId, lines, durable);
      }
    }

    @Override
    public MessagePage page(UUID sessionId, MessageQuery query) {
      MessagePaging<String> pager = new MessagePaging<>(query);
      forEachMessage(sessionId, (id, bytes, offset, length) -> pager.offer(id,
          pager.wants(id) ? new String(bytes, offset, length, StandardCharsets.UTF_8) : null, length));
      MessagePaging.Selection<String> selection = pager.finish();
      List<StoredMessage> page = new ArrayList<>(selection.items().size());
      for (String line : selection.items()) {
        readable(sessionId, line).ifPresent(page::add);
      }
      return new MessagePage(page, selection.hasMore(), selection.total());
    }

    /** Whole history in memory: for tests and small sessions; pages read a log in bounded memory. */
    @Override
    public List<StoredMessage> history(UUID sessionId) {
      List<StoredMessage> history = new ArrayList<>();
      forEachMessage(sessionId, (id, bytes, offset, length) ->
          readable(sessionId, new String(bytes, offset, length, StandardCharsets.UTF_8)).ifPresent(history::add));
      return history;
    }

    private Optional<StoredMessage> readable(UUID sessionId, String line) {
      try {
        return Optional.of(SessionLogs.message(line));
      } catch (IllegalArgumentException e) {
        LOG.warn("skipping an unreadable message of session {}: {}", sessionId, e.getMessage());
        return Optional.empty();
      }
    }

    private void forEachMessage(UUID sessionId, SessionLogs.MessageVisitor visitor) {
      logs.forEachMessage(sessionId, visitor, () -> LOG.warn("skipping an unreadable message of session {}",
          sessionId));
    }

    @Override
    public int deleteHistory(UUID sessionId) {
      synchronized (Locks.of(locks, sessionId)) {
        int[] count = new int[1];
        forEachMessage(sessionId, (id, bytes, offset, length) -> count[0]++);
        logs.delete(sessionId, true);
        return count[0];
      }
    }

    @Override
    public void purgeHistory(UUID sessionId) {
      synchronized (Locks.of(locks, sessionId)) {
        logs.delete(sessionId, false);
      }
    }
  }
}
