package dev.ccs.core.store;

import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StaleVersionException;
import dev.ccs.core.session.MessagePage;
import dev.ccs.core.session.MessageQuery;
import dev.ccs.core.session.MessageStore;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionFilter;
import dev.ccs.core.session.SessionStore;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.task.TaskStore;
import dev.ccs.core.webhook.DeliveryStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import dev.ccs.core.balance.ProviderStateStore;
import dev.ccs.core.stats.StatisticsStore;

/** Storage that keeps everything in memory: for tests and for embedding without persistence. */
public final class InMemoryStorage implements Storage, SessionStore, MessageStore {

  private final SessionIndex index = new SessionIndex();
  private final Map<UUID, List<StoredMessage>> histories = new ConcurrentHashMap<>();
  private final Object[] locks = Locks.stripes();
  private final TaskRecords tasks;
  private final DeliveryRecords deliveries;
  private final ProviderStateStore providerStates = ProviderStateStore.inMemory();
  private final StatisticsStore statistics = StatisticsStore.inMemory();
  private final dev.ccs.core.auth.ApiKeyStore apiKeys = dev.ccs.core.auth.ApiKeyStore.inMemory();

  public InMemoryStorage() {
    try {
      tasks = new TaskRecords(null);
      deliveries = new DeliveryRecords(null);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e); // no files: cannot happen
    }
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
  public SessionStore sessions() {
    return this;
  }

  @Override
  public MessageStore messages() {
    return this;
  }

  @Override
  public Session create(Session session, boolean durable) {
    synchronized (Locks.of(locks, session.id())) {
      if (index.get(session.id()).isPresent()) {
        throw new StaleVersionException("session " + session.id() + " already exists");
      }
      Session stored = session.withVersion(1);
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
      Session current = index.get(session.id())
          .orElseThrow(() -> new CcsException.NotFound("Session not found: " + session.id()));
      if (current.version() != session.version()) {
        throw new StaleVersionException("session " + session.id() + " changed concurrently (version "
            + current.version() + ", expected " + session.version() + ")");
      }
      Session stored = session.withVersion(current.version() + 1);
      index.put(stored);
      return stored;
    }
  }

  @Override
  public boolean delete(UUID id) {
    synchronized (Locks.of(locks, id)) {
      boolean existed = index.get(id).isPresent();
      index.remove(id);
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

  @Override
  public void append(UUID sessionId, List<StoredMessage> messages, boolean durable) {
    List<StoredMessage> history = histories.computeIfAbsent(sessionId, id -> new ArrayList<>());
    synchronized (history) {
      history.addAll(messages);
    }
  }

  @Override
  public MessagePage page(UUID sessionId, MessageQuery query) {
    MessagePaging<StoredMessage> pager = new MessagePaging<>(query);
    for (StoredMessage message : history(sessionId)) {
      pager.offer(message.id(), message, message.content() == null ? 0 : message.content().length());
    }
    MessagePaging.Selection<StoredMessage> selection = pager.finish();
    return new MessagePage(selection.items(), selection.hasMore(), selection.total());
  }

  @Override
  public List<StoredMessage> history(UUID sessionId) {
    List<StoredMessage> history = histories.get(sessionId);
    if (history == null) {
      return List.of();
    }
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  @Override
  public int deleteHistory(UUID sessionId) {
    List<StoredMessage> removed = histories.remove(sessionId);
    return removed == null ? 0 : removed.size();
  }

  @Override
  public Session recordTurn(Session updated, List<StoredMessage> messages) {
    synchronized (Locks.of(locks, updated.id())) {
      Session stored = update(updated, true);
      append(updated.id(), messages, true);
      return stored;
    }
  }

  @Override
  public void close() {
  }
}
