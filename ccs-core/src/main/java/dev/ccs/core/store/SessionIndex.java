package dev.ccs.core.store;

import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionFilter;
import dev.ccs.core.session.SessionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions in memory, ordered by last update, with an ordered set per status and per project, so
 * that a listing costs what its page costs, not what the store holds: as fast with 100k sessions
 * as with 1k. Callers serialise changes to one session; changes to different sessions may overlap.
 */
final class SessionIndex {

  private record Key(Instant updatedAt, UUID id) {
  }

  /** A session and what its metadata text costs in memory. */
  private record Entry(Session session, int metadataBytes) {
    Entry(Session session) {
      this(session, bytesOf(session.metadataJson()));
    }
  }

  /** What a string's characters take: one byte each while all are Latin-1, else two. */
  private static int bytesOf(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xFF) {
        return text.length() * 2;
      }
    }
    return text.length();
  }

  /** Newest first, then by id; written out, since every update compares a few dozen keys. */
  private static final Comparator<Key> NEWEST_FIRST = (a, b) -> {
    int byTime = b.updatedAt().compareTo(a.updatedAt());
    return byTime != 0 ? byTime : a.id().compareTo(b.id());
  };

  private final Map<UUID, Entry> byId = new ConcurrentHashMap<>();
  private final NavigableSet<Key> all = new ConcurrentSkipListSet<>(NEWEST_FIRST);
  private final Map<SessionStatus, NavigableSet<Key>> byStatus = new EnumMap<>(SessionStatus.class);
  private final Map<String, NavigableSet<Key>> byProject = new ConcurrentHashMap<>();
  private final AtomicLong metadataBytes = new AtomicLong();

  SessionIndex() {
    for (SessionStatus status : SessionStatus.values()) {
      byStatus.put(status, new ConcurrentSkipListSet<>(NEWEST_FIRST));
    }
  }

  Optional<Session> get(UUID id) {
    Entry entry = byId.get(id);
    return entry == null ? Optional.empty() : Optional.of(entry.session());
  }

  void put(Session session) {
    Key key = new Key(session.updatedAt(), session.id());
    Entry entry = new Entry(session);
    Entry previous = byId.put(session.id(), entry);
    metadataBytes.addAndGet(entry.metadataBytes() - (previous == null ? 0 : previous.metadataBytes()));
    // Add the new keys before removing the old ones: a concurrent listing may meet the session
    // twice for a moment (and drops the duplicate), never not at all.
    all.add(key);
    byStatus.get(session.status()).add(key);
    byProject.computeIfAbsent(session.projectPath(), p -> new ConcurrentSkipListSet<>(NEWEST_FIRST)).add(key);
    if (previous != null) {
      Session old = previous.session();
      Key oldKey = new Key(old.updatedAt(), old.id());
      boolean moved = !oldKey.equals(key);
      if (moved) {
        all.remove(oldKey);
      }
      if (moved || old.status() != session.status()) {
        byStatus.get(old.status()).remove(oldKey);
      }
      if (moved || !old.projectPath().equals(session.projectPath())) {
        removeFromProject(old.projectPath(), oldKey);
      }
    }
  }

  void remove(UUID id) {
    Entry previous = byId.remove(id);
    if (previous != null) {
      Session old = previous.session();
      metadataBytes.addAndGet(-previous.metadataBytes());
      Key oldKey = new Key(old.updatedAt(), old.id());
      all.remove(oldKey);
      byStatus.get(old.status()).remove(oldKey);
      removeFromProject(old.projectPath(), oldKey);
    }
  }

  private void removeFromProject(String project, Key key) {
    NavigableSet<Key> set = byProject.get(project);
    if (set != null) {
      set.remove(key);
      if (set.isEmpty()) {
        byProject.remove(project, set);
      }
    }
  }

  List<Session> list(SessionFilter filter, int limit) {
    NavigableSet<Key> candidates = all;
    if (filter.projectPath() != null) {
      candidates = byProject.get(filter.projectPath());
      if (candidates == null) {
        return List.of();
      }
    }
    if (filter.status() != null && (filter.projectPath() == null
        || byStatus.get(filter.status()).size() < candidates.size())) {
      candidates = byStatus.get(filter.status());
    }
    if (filter.after() != null) {
      candidates = candidates.tailSet(new Key(filter.after().updatedAt(), filter.after().id()), false);
    }
    return collect(candidates.iterator(), filter::matches, limit);
  }

  List<Session> search(String text, int limit) {
    String needle = text.toLowerCase(Locale.ROOT);
    List<Session> found = new ArrayList<>();
    Set<UUID> seen = new LinkedHashSet<>();
    for (Key key : all) {
      Entry entry = byId.get(key.id());
      // Built per search, not kept: a search walks every session anyway, an update should not pay for it.
      if (entry != null && seen.add(key.id()) && searchText(entry.session()).contains(needle)) {
        found.add(entry.session());
        if (found.size() >= limit) {
          break;
        }
      }
    }
    return found;
  }

  private static String searchText(Session session) {
    return (session.id() + " " + session.metadataJson()).toLowerCase(Locale.ROOT);
  }

  List<Session> updatedBefore(Instant cutoff, int limit) {
    return collect(all.descendingIterator(), s -> s.updatedAt().isBefore(cutoff), limit, true);
  }

  List<Session> all() {
    return byId.values().stream().map(Entry::session).toList();
  }

  int size() {
    return byId.size();
  }

  /** What the metadata text of every session takes in memory together. */
  long metadataBytes() {
    return metadataBytes.get();
  }

  private List<Session> collect(Iterator<Key> keys, java.util.function.Predicate<Session> test, int limit) {
    return collect(keys, test, limit, false);
  }

  private List<Session> collect(Iterator<Key> keys, java.util.function.Predicate<Session> test, int limit,
      boolean stopAtFirstMiss) {
    List<Session> found = new ArrayList<>();
    Set<UUID> seen = new LinkedHashSet<>();
    while (keys.hasNext() && found.size() < limit) {
      Key key = keys.next();
      Entry entry = byId.get(key.id());
      // Skip keys of an older version of a session that is being updated right now.
      if (entry == null || !entry.session().updatedAt().equals(key.updatedAt()) || !seen.add(key.id())) {
        continue;
      }
      if (test.test(entry.session())) {
        found.add(entry.session());
      } else if (stopAtFirstMiss) {
        break;
      }
    }
    return found;
  }
}
