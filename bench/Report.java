import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes BENCHMARKS.md and bench/results.json from the FIGURE lines the benchmarks print
 * ({@code FIGURE|id|label|value|unit|target}, the target as {@code <= 1}, {@code >= 50}, {@code < 30}
 * or empty). Usage: java bench/Report.java OUTPUT_FILE...
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

  public static void main(String[] args) throws Exception {
    List<Figure> figures = new ArrayList<>();
    for (String file : args) {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith("FIGURE|")) {
          String[] f = line.split("\\|", -1);
          // A benchmark that measures in rounds reports each; the last (warmest) one counts.
          figures.removeIf(old -> old.id().equals(f[1]));
          figures.add(new Figure(f[1], f[2], Double.parseDouble(f[3]), f[4], f[5]));
        }
      }
    }
    String machine = String.format(Locale.ROOT, "%d cores, %s, Java %s (%s)", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"), System.getProperty("java.version"),
        System.getProperty("java.vm.name"));
    StringBuilder md = new StringBuilder("# Benchmarks\n\n");
    md.append("Written by `bash bench/run.sh all` on ").append(Instant.now()).append(" (").append(machine)
        .append("). Each figure comes from the benchmark named by its id's first word (`bench/run.sh <name>` runs it ")
        .append("alone, with more detail); the raw outputs are in `bench/results/`.\n\n");
    md.append("| Figure | Value | Target | |\n|---|---:|---|---|\n");
    StringBuilder json = new StringBuilder("{\n  \"written_at\": \"" + Instant.now() + "\",\n  \"machine\": \""
        + machine + "\",\n  \"figures\": [\n");
    for (int i = 0; i < figures.size(); i++) {
      Figure f = figures.get(i);
      md.append("| ").append(f.label()).append(" | ").append(format(f.value())).append(' ').append(f.unit())
          .append(" | ").append(f.target().isBlank() ? "-" : f.target() + " " + f.unit()).append(" | ")
          .append(f.verdict()).append(" |\n");
      json.append(String.format(Locale.ROOT, "    {\"id\": \"%s\", \"label\": \"%s\", \"value\": %s, \"unit\": \"%s\", "
          + "\"target\": \"%s\", \"met\": %s}%s%n", f.id(), f.label().replace("\"", "'"), format(f.value()), f.unit(),
          f.target(), f.verdict().isEmpty() ? "null" : Boolean.toString(f.verdict().equals("met")),
          i < figures.size() - 1 ? "," : ""));
    }
    json.append("  ]\n}\n");
    Files.writeString(Path.of("BENCHMARKS.md"), md);
    Files.writeString(Path.of("bench", "results.json"), json);
    System.out.println(md);
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e9 ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.2f", value);
  }
}
