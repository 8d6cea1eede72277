package dev.ccs.core.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runs of one UTC day (or of all time): in all, and per model, provider, project and API key.
 * Guarded by the {@link Statistics} that owns it.
 */
public final class DayStats {

  private final LocalDate date;
  private final Tally total;
  private final Map<String, Tally> models;
  private final Map<String, Tally> providers;
  private final Map<String, Tally> projects;
  private final Map<String, Tally> keys;

  DayStats(LocalDate date) {
    this(date, new Tally(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
  }

  private DayStats(LocalDate date, Tally total, Map<String, Tally> models, Map<String, Tally> providers,
      Map<String, Tally> projects, Map<String, Tally> keys) {
    this.date = date;
    this.total = total;
    this.models = models;
    this.providers = providers;
    this.projects = projects;
    this.keys = keys;
  }

  void add(RunSample run) {
    total.add(run);
    run.models().forEach((model, used) -> models.computeIfAbsent(model, m -> new Tally()).add(run, used));
    if (run.providerId() != null) {
      providers.computeIfAbsent(run.providerId(), p -> new Tally()).add(run);
    }
    projects.computeIfAbsent(run.projectPath(), p -> new Tally()).add(run);
    if (run.keyName() != null) {
      keys.computeIfAbsent(run.keyName(), k -> new Tally()).add(run);
    }
  }

  /** Adds imported counts: in all, and per model. */
  void addCounts(StatisticsImport.Counts counts, Map<String, StatisticsImport.Counts> perModel) {
    total.addCounts(counts);
    perModel.forEach((model, c) -> models.computeIfAbsent(model, m -> new Tally()).addCounts(c));
  }

  /** Adds another node's counts of the same day (a copy of this day owned by the caller). */
  void addAll(DayStats other) {
    total.addAll(other.total);
    merge(models, other.models);
    merge(providers, other.providers);
    merge(projects, other.projects);
    merge(keys, other.keys);
  }

  private static void merge(Map<String, Tally> into, Map<String, Tally> from) {
    from.forEach((name, tally) -> into.computeIfAbsent(name, n -> new Tally()).addAll(tally));
  }

  /** The day, or null for the all-time counts. */
  public LocalDate date() {
    return date;
  }

  public Tally total() {
    return total;
  }

  public Map<String, Tally> models() {
    return models;
  }

  public Map<String, Tally> providers() {
    return providers;
  }

  public Map<String, Tally> projects() {
    return projects;
  }

  public Map<String, Tally> keys() {
    return keys;
  }

  /** A copy that later runs do not change (for answers built outside the owner's lock). */
  DayStats copy() {
    return fromJson(toJson());
  }

  ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("date", date == null ? null : date.toString());
    node.set("total", total.toJson());
    node.set("models", json(models));
    node.set("providers", json(providers));
    node.set("projects", json(projects));
    node.set("keys", json(keys));
    return node;
  }

  static DayStats fromJson(JsonNode node) {
    LocalDate date = node.hasNonNull("date") ? LocalDate.parse(node.get("date").asText()) : null;
    return new DayStats(date, Tally.fromJson(node.path("total")), tallies(node.get("models")),
        tallies(node.get("providers")), tallies(node.get("projects")), tallies(node.get("keys")));
  }

  private static ObjectNode json(Map<String, Tally> tallies) {
    ObjectNode node = Json.object();
    tallies.forEach((name, tally) -> node.set(name, tally.toJson()));
    return node;
  }

  private static Map<String, Tally> tallies(JsonNode node) {
    Map<String, Tally> result = new TreeMap<>();
    if (node != null) {
      node.fields().forEachRemaining(e -> result.put(e.getKey(), Tally.fromJson(e.getValue())));
    }
    return result;
  }
}
