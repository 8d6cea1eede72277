package dev.ccs.core.migrate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.json.Json;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an import did, per kind of record: imported, skipped (already imported, or left out on
 * purpose: see {@link #notes}), unreadable; and each record it could not take as it was, with its
 * file and the reason. Thread-confined (one import fills it).
 */
public final class ImportReport {

  /** The kinds of record an import brings over, in the order it does. */
  public enum Kind {
    SESSIONS, MESSAGES, TASKS, STATISTICS, PROVIDER_SETTINGS;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * A record not taken as it was.
   *
   * @param record its id, or its position in the file
   * @param kept true when it was imported all the same (rebuilt or corrected), false when left out
   */
  public record Problem(Kind kind, String file, String record, String reason, boolean kept) {
  }

  private final Map<Kind, int[]> counts = new EnumMap<>(Kind.class);
  private final List<Problem> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  ImportReport() {
    for (Kind kind : Kind.values()) {
      counts.put(kind, new int[3]);
    }
  }

  void imported(Kind kind, int n) {
    counts.get(kind)[0] += n;
  }

  void skipped(Kind kind, int n) {
    counts.get(kind)[1] += n;
  }

  /** A record left out because it cannot be read or makes no sense. */
  void unreadable(Kind kind, String file, String record, String reason) {
    counts.get(kind)[2]++;
    problems.add(new Problem(kind, file, record, reason, false));
  }

  /** A record imported after a repair: counted as imported, and reported. */
  void repaired(Kind kind, String file, String record, String reason) {
    problems.add(new Problem(kind, file, record, reason, true));
  }

  void note(String text) {
    notes.add(text);
  }

  public int imported(Kind kind) {
    return counts.get(kind)[0];
  }

  public int skipped(Kind kind) {
    return counts.get(kind)[1];
  }

  public int unreadable(Kind kind) {
    return counts.get(kind)[2];
  }

  public List<Problem> problems() {
    return List.copyOf(problems);
  }

  /** What the operator should know besides the counts (pending tasks left out, retention, ...). */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** The counts as an aligned text table. */
  public String table() {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-18s %9s %9s %11s%n", "", "imported",
        "skipped", "unreadable"));
    for (Kind kind : Kind.values()) {
      out.append(String.format(Locale.ROOT, "%-18s %9d %9d %11d%n", kind.label(), imported(kind), skipped(kind),
          unreadable(kind)));
    }
    return out.toString();
  }

  public ObjectNode toJson() {
    ObjectNode root = Json.object();
    ObjectNode byKind = root.putObject("counts");
    for (Kind kind : Kind.values()) {
      byKind.putObject(kind.label().replace(' ', '_')).put("imported", imported(kind)).put("skipped", skipped(kind))
          .put("unreadable", unreadable(kind));
    }
    ArrayNode list = root.putArray("problems");
    for (Problem p : problems) {
      list.addObject().put("kind", p.kind().label().replace(' ', '_')).put("file", p.file()).put("record", p.record())
          .put("reason", p.reason()).put("kept", p.kept());
    }
    ArrayNode noteList = root.putArray("notes");
    notes.forEach(noteList::add);
    return root;
  }
}
