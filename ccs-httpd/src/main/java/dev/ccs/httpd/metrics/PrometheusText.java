package dev.ccs.httpd.metrics;

import dev.ccs.core.stats.LatencyHistogram;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: each family once, with its
 * {@code # HELP} and {@code # TYPE} lines before its samples; label values escaped.
 */
final class PrometheusText {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder(16 * 1024);

  PrometheusText family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
        .append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  PrometheusText sample(String name, Map<String, String> labels, double value) {
    out.append(name);
    labels(labels);
    out.append(' ').append(format(value)).append('\n');
    return this;
  }

  PrometheusText sample(String name, Map<String, String> labels, BigDecimal value) {
    out.append(name);
    labels(labels);
    out.append(' ').append(value.toPlainString()).append('\n');
    return this;
  }

  /** A histogram's {@code _bucket}, {@code _sum} and {@code _count} samples. */
  PrometheusText histogram(String name, Map<String, String> labels, LatencyHistogram.Snapshot h) {
    for (int i = 0; i <= LatencyHistogram.BOUNDS.length; i++) {
      Map<String, String> withLe = new java.util.LinkedHashMap<>(labels);
      withLe.put("le", i < LatencyHistogram.BOUNDS.length ? format(LatencyHistogram.BOUNDS[i]) : "+Inf");
      sample(name + "_bucket", withLe, h.cumulative()[i]);
    }
    sample(name + "_sum", labels, h.sumSeconds());
    sample(name + "_count", labels, h.count());
    return this;
  }

  private void labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(label.getKey()).append("=\"").append(escape(label.getValue())).append('"');
    }
    out.append('}');
  }

  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%s", value);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
