import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes BENCHMARKS.md and bench/results.json from the outputs of one or more runs of the
 * benchmarks (a directory per run): the FIGURE lines ({@code FIGURE|id|label|value|unit|target}, the
 * target as {@code <= 1}, {@code >= 50}, {@code < 30} or empty) side by side, each marked met or
 * not per run; the PHASE lines of bench/ProfileSync.java as where a sync request's time goes; then
 * bench/NOTES.md, which says why a target is not met and what would meet it.
 * Usage: java bench/Report.java RUN_DIR...
 */
public class Report {

  record Figure(String id, String label, double value, String unit, String target) {

    /** "met", "NOT met", or "" without a target. */
    String verdict() {
      if (target.isBlank()) {
        return "";
      }
      String[] parts = target.trim().split("\\s+");
      double bound = Double.parseDouble(parts[1]);
      boolean met = switch (parts[0]) {
        case "<=" -> value <= bound;
        case "<" -> value < bound;
        case ">=" -> value >= bound;
        case ">" -> value > bound;
        default -> throw new IllegalArgumentException("target " + target);
      };
      return met ? "met" : "NOT met";
    }
  }

  record Phase(String id, String label, double millis) {
  }

  public static void main(String[] args) throws Exception {
    List<Map<String, Figure>> runs = new ArrayList<>();
    List<Map<String, Phase>> phases = new ArrayList<>();
    for (String dir : args) {
      Map<String, Figure> figures = new LinkedHashMap<>();
      Map<String, Phase> phase = new LinkedHashMap<>();
      List<Path> files;
      try (Stream<Path> list = Files.list(Path.of(dir))) {
        files = list.filter(p -> p.toString().endsWith(".txt")).sorted(Report::byBenchmarkOrder).toList();
      }
      for (Path file : files) {
        for (String line : Files.readAllLines(file)) {
          String[] f = line.split("\\|", -1);
          if (line.startsWith("FIGURE|")) {
            // A benchmark that measures in rounds reports each; the last (warmest) one counts.
            figures.remove(f[1]);
            figures.put(f[1], new Figure(f[1], f[2], Double.parseDouble(f[3]), f[4], f[5]));
          } else if (line.startsWith("PHASE|")) {
            phase.put(f[1], new Phase(f[1], f[2], Double.parseDouble(f[3])));
          }
        }
      }
      runs.add(figures);
      phases.add(phase);
    }
    String machine = String.format(Locale.ROOT, "%d cores, %s, Java %s (%s); server JVM flags %s",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        System.getProperty("java.version"), System.getProperty("java.vm.name"), serverFlags(args));
    StringBuilder md = new StringBuilder("# Benchmarks\n\n");
    md.append("Written by `bash bench/run.sh all` on ").append(Instant.now()).append(" (").append(machine)
        .append("), which runs every benchmark ").append(runs.size() == 1 ? "once" : runs.size() + " times, one run after the other")
        .append(". Each figure comes from the benchmark named by its id's first word (`bash bench/run.sh <name>` runs it ")
        .append("alone, with more detail); the raw outputs are in `bench/results/`. The server runs from the runnable jar ")
        .append("with the README's JVM flags; the CLI is `bench/fake-claude.sh`, which answers at once, so what is ")
        .append("measured is ccs.\n\n");
    md.append("| Figure |");
    for (int i = 1; i <= runs.size(); i++) {
      md.append(" Run ").append(i).append(" |");
    }
    md.append(" Target |\n|---|");
    md.append("---:|".repeat(runs.size())).append("---|\n");
    Map<String, Figure> ids = new LinkedHashMap<>();
    runs.forEach(run -> run.values().forEach(f -> ids.putIfAbsent(f.id(), f)));
    StringBuilder json = new StringBuilder("{\n  \"written_at\": \"" + Instant.now() + "\",\n  \"machine\": \""
        + machine + "\",\n  \"runs\": " + runs.size() + ",\n  \"figures\": [\n");
    int i = 0;
    for (Figure first : ids.values()) {
      md.append("| ").append(first.label()).append(" |");
      List<String> values = new ArrayList<>();
      List<String> met = new ArrayList<>();
      for (Map<String, Figure> run : runs) {
        Figure f = run.get(first.id());
        if (f == null) {
          md.append(" - |");
          values.add("null");
          met.add("null");
          continue;
        }
        md.append(' ').append(format(f.value())).append(' ').append(f.unit());
        if (!f.verdict().isEmpty()) {
          md.append(f.verdict().equals("met") ? " (met)" : " (**NOT met**)");
        }
        md.append(" |");
        values.add(format(f.value()));
        met.add(f.verdict().isEmpty() ? "null" : Boolean.toString(f.verdict().equals("met")));
      }
      md.append(' ').append(first.target().isBlank() ? "-" : first.target() + " " + first.unit()).append(" |\n");
      json.append(String.format(Locale.ROOT, "    {\"id\": \"%s\", \"label\": \"%s\", \"unit\": \"%s\", \"target\": \"%s\", "
          + "\"values\": [%s], \"met\": [%s]}%s%n", first.id(), first.label().replace("\"", "'"), first.unit(),
          first.target(), String.join(", ", values), String.join(", ", met), ++i < ids.size() ? "," : ""));
    }
    json.append("  ]\n}\n");
    if (phases.stream().anyMatch(p -> !p.isEmpty())) {
      md.append("\n## Where a sync request's time goes\n\n");
      md.append("Medians of the server's own JFR phase events (`dev.ccs.Phase`) over sequential `POST /api/messages`, ")
          .append("each a new session (`bash bench/run.sh profile`; the recording itself slows everything a little). ")
          .append("Indented phases are parts of the one above; `store.turn` runs while the CLI exits (`cli.exit`).\n\n");
      md.append("| Phase |");
      for (int r = 1; r <= phases.size(); r++) {
        md.append(" Run ").append(r).append(" |");
      }
      md.append("\n|---|").append("---:|".repeat(phases.size())).append('\n');
      Map<String, Phase> names = new LinkedHashMap<>();
      phases.forEach(run -> run.values().forEach(p -> names.putIfAbsent(p.id(), p)));
      for (Phase first : names.values()) {
        md.append("| `").append(first.id()).append("`: ").append(first.label()).append(" |");
        for (Map<String, Phase> run : phases) {
          Phase p = run.get(first.id());
          md.append(p == null ? " - |" : String.format(Locale.ROOT, " %.3f ms |", p.millis()));
        }
        md.append('\n');
      }
    }
    Path notes = Path.of("bench", "NOTES.md");
    if (Files.exists(notes)) {
      md.append('\n').append(Files.readString(notes));
    }
    Files.writeString(Path.of("BENCHMARKS.md"), md);
    Files.writeString(Path.of("bench", "results.json"), json);
    System.out.println(md);
  }

  /** The server's JVM flags, as the sync benchmark reports them. */
  private static String serverFlags(String[] dirs) throws java.io.IOException {
    for (String dir : dirs) {
      Path sync = Path.of(dir, "sync.txt");
      if (Files.exists(sync)) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("JVM options: ([^)]*)\\)").matcher(Files.readString(sync));
        if (m.find()) {
          return "`" + m.group(1) + "`";
        }
      }
    }
    return "unknown";
  }

  /** Outputs in the order bench/run.sh lists the benchmarks, so the table reads the same each time. */
  private static int byBenchmarkOrder(Path a, Path b) {
    return Integer.compare(order(a), order(b));
  }

  private static int order(Path file) {
    String name = file.getFileName().toString().replace(".txt", "");
    int at = ORDER.indexOf(name);
    return at < 0 ? ORDER.size() : at;
  }

  private static final List<String> ORDER = List.of("sync", "profile", "stream", "queue", "faces", "access", "import", "warm",
      "store", "balance", "stats", "heap");

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e9 ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.2f", value);
  }
}
