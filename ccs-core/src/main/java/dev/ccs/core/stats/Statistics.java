package dev.ccs.core.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.StatisticsConfig;
import dev.ccs.core.json.Json;
import dev.ccs.core.session.Session;
import dev.ccs.core.session.SessionStorage;
import dev.ccs.core.session.StoredMessage;
import dev.ccs.core.session.TurnObserver;
import dev.ccs.core.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every recorded run once (it is the {@link TurnObserver} of every turn, whatever path ran
 * it), per UTC day and all time. Counting is in memory; a snapshot is saved every
 * {@code statistics.collectionInterval} and at close, not once per run. What a crash loses since the
 * last snapshot is counted again at the next start from the session histories, which hold each run
 * durably: {@link #catchUp} replays the assistant messages newer than the snapshot's watermark that
 * it had not counted (the snapshot lists the ids counted near the watermark, so none is counted
 * twice). Thread-safe.
 */
public final class Statistics implements TurnObserver {

  private static final Logger LOG = LoggerFactory.getLogger(Statistics.class);

  /** How far before a snapshot its watermark lies: longer than any turn takes from its end to being counted. */
  static final Duration MARGIN = Duration.ofSeconds(30);

  private volatile StatisticsConfig config;
  private final StatisticsStore store;
  private final Clock clock;
  private final TreeMap<LocalDate, DayStats> days = new TreeMap<>();
  private DayStats allTime = new DayStats(null);
  /** Runs counted recently, id to end: those after a snapshot's watermark go into it. */
  private final Map<String, Instant> recent = new LinkedHashMap<>();
  private Instant watermark;
  private Set<String> countedAfterWatermark = Set.of();
  /** The imports added to these counts (id to when), kept so that none is added twice. */
  private ObjectNode imports = Json.object();
  private boolean dirty;
  private volatile boolean closed;
  private final LatencyHistogram runDurations = new LatencyHistogram();

  public Statistics(StatisticsConfig config, StatisticsStore store, Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    store.load().ifPresent(this::restore);
  }

  public boolean enabled() {
    return config.enabled();
  }

  /** Takes new settings (config reload): recording on or off, and the days kept; the save interval at the next start. */
  public void reconfigure(StatisticsConfig value) {
    config = value;
  }

  @Override
  public void recorded(Session session, StoredMessage answer) {
    if (config.enabled()) {
      RunSample.from(answer, session.projectPath()).ifPresent(run -> {
        record(run);
        runDurations.observe(run.durationMs() * 1_000_000L);
      });
    }
  }

  /** Counts one run. */
  public synchronized void record(RunSample run) {
    LocalDate day = LocalDate.ofInstant(run.endedAt(), ZoneOffset.UTC);
    days.computeIfAbsent(day, DayStats::new).add(run);
    allTime.add(run);
    recent.put(run.messageId(), run.endedAt());
    dirty = true;
  }

  /** Durations of the runs counted since this process started (for metrics), in seconds. */
  public LatencyHistogram.Snapshot runDurations() {
    return runDurations.snapshot();
  }

  /**
   * Counts the runs the histories hold that the last snapshot did not (those of a crash), then saves
   * a snapshot. Without any snapshot (the first start with statistics), every history is counted.
   *
   * @return the runs counted
   */
  public int catchUp(SessionStorage storage) {
    if (!config.enabled()) {
      return 0;
    }
    Instant since;
    Set<String> already;
    synchronized (this) {
      since = watermark;
      already = countedAfterWatermark;
    }
    int counted = 0;
    for (Session session : storage.sessions().all()) {
      if (since != null && session.updatedAt().isBefore(since)) {
        continue;
      }
      for (StoredMessage message : storage.messages().history(session.id())) {
        if ((since == null || message.createdAt().isAfter(since)) && !already.contains(message.id())) {
          var sample = RunSample.from(message, session.projectPath());
          if (sample.isPresent()) {
            record(sample.get());
            counted++;
          }
        }
      }
    }
    if (counted > 0) {
      LOG.info("statistics: counted {} run(s) from the session histories that the last snapshot did not hold",
          counted);
    }
    flush();
    return counted;
  }

  /**
   * Saves a snapshot every {@code statistics.collectionInterval} when something was counted, on
   * {@code jobs} (the scheduler's thread only hands it over), until {@link #close}.
   */
  public void saveEvery(Scheduler scheduler, Executor jobs) {
    scheduler.schedule(config.collectionInterval(), () -> {
      if (closed) {
        return;
      }
      try {
        jobs.execute(() -> {
          try {
            flushIfChanged();
          } catch (RuntimeException e) {
            LOG.warn("statistics not saved: {}", e.getMessage());
          }
          saveEvery(scheduler, jobs);
        });
      } catch (RejectedExecutionException e) {
        // Closing: close() saves.
      }
    });
  }

  /** Stops the periodic saves and saves what was counted. */
  public void close() {
    closed = true;
    flushIfChanged();
  }

  /** Saves a snapshot if anything was counted since the last one (on the collection interval). */
  public void flushIfChanged() {
    boolean changed;
    synchronized (this) {
      changed = dirty;
    }
    if (changed) {
      flush();
    }
  }

  /** Saves a snapshot now, and drops days past {@code statistics.retentionDays}. */
  public void flush() {
    ObjectNode snapshot;
    synchronized (this) {
      Instant now = clock.instant();
      LocalDate oldest = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(config.retentionDays() - 1L);
      days.headMap(oldest).clear();
      Instant mark = now.minus(MARGIN);
      recent.values().removeIf(end -> end.isBefore(mark.minus(MARGIN)));
      snapshot = snapshot(mark);
      watermark = mark;
      dirty = false;
    }
    store.save(snapshot);
  }

  private ObjectNode snapshot(Instant mark) {
    ObjectNode root = Json.object();
    root.put("version", 1);
    root.put("watermark", mark.toString());
    ObjectNode ids = root.putObject("counted_after_watermark");
    recent.forEach((id, end) -> {
      if (end.isAfter(mark)) {
        ids.put(id, end.toString());
      }
    });
    root.set("all_time", allTime.toJson());
    root.set("imports", imports.deepCopy());
    ArrayNode list = root.putArray("days");
    days.values().forEach(day -> list.add(day.toJson()));
    return root;
  }

  private synchronized void restore(ObjectNode root) {
    watermark = root.hasNonNull("watermark") ? Instant.parse(root.get("watermark").asText()) : null;
    Set<String> ids = new HashSet<>();
    root.path("counted_after_watermark").fields().forEachRemaining(e -> {
      ids.add(e.getKey());
      recent.put(e.getKey(), Instant.parse(e.getValue().asText()));
    });
    countedAfterWatermark = ids;
    if (root.get("imports") instanceof ObjectNode saved) {
      imports = saved.deepCopy();
    }
    if (root.has("all_time")) {
      allTime = DayStats.fromJson(root.get("all_time"));
    }
    for (JsonNode day : root.path("days")) {
      DayStats stats = DayStats.fromJson(day);
      days.put(stats.date(), stats);
    }
  }

  /** All time, since statistics began (not cut by retention); a copy. */
  public DayStats allTime() {
    List<ObjectNode> others = store.others();
    DayStats result;
    synchronized (this) {
      result = allTime.copy();
    }
    for (ObjectNode other : others) {
      if (other.has("all_time")) {
        result.addAll(DayStats.fromJson(other.get("all_time")));
      }
    }
    return result;
  }

  /** Every day of the other nodes' snapshots (as of their last save), by date; empty for one node. */
  private TreeMap<LocalDate, DayStats> otherDays() {
    TreeMap<LocalDate, DayStats> merged = new TreeMap<>();
    for (ObjectNode other : store.others()) {
      for (JsonNode day : other.path("days")) {
        DayStats stats = DayStats.fromJson(day);
        DayStats into = merged.putIfAbsent(stats.date(), stats);
        if (into != null) {
          into.addAll(stats);
        }
      }
    }
    return merged;
  }

  /** Days with runs, newest first, at most {@code limit}; copies. */
  public List<DayStats> daily(int limit) {
    TreeMap<LocalDate, DayStats> merged = otherDays();
    synchronized (this) {
      for (DayStats day : days.values()) {
        DayStats mine = day.copy();
        DayStats theirs = merged.put(day.date(), mine);
        if (theirs != null) {
          mine.addAll(theirs);
        }
      }
    }
    List<DayStats> result = new ArrayList<>();
    for (DayStats day : merged.descendingMap().values()) {
      if (result.size() == limit) {
        break;
      }
      result.add(day);
    }
    return result;
  }

  /** Every day from {@code start} to {@code end} inclusive, oldest first, days without runs included; copies. */
  public List<DayStats> range(LocalDate start, LocalDate end) {
    Map<LocalDate, DayStats> others = otherDays();
    List<DayStats> result = new ArrayList<>();
    synchronized (this) {
      for (LocalDate day = start; !day.isAfter(end); day = day.plusDays(1)) {
        DayStats stats = days.get(day);
        result.add(stats == null ? new DayStats(day) : stats.copy());
      }
    }
    for (DayStats day : result) {
      DayStats theirs = others.get(day.date());
      if (theirs != null) {
        day.addAll(theirs);
      }
    }
    return result;
  }
}
