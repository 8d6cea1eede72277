package dev.ccs.cli.base;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A text table with aligned columns: numbers (and money) right-aligned, text left-aligned, so that
 * figures line up in a terminal, over ssh and in a log.
 */
public final class Table {

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> headers) {
    this.headers = headers;
  }

  public static Table of(String... headers) {
    return new Table(List.of(headers));
  }

  public Table row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(cell == null ? "-" : cell.toString());
    }
    rows.add(row);
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public void print(PrintStream out) {
    int columns = headers.size();
    int[] widths = new int[columns];
    boolean[] numeric = new boolean[columns];
    for (int c = 0; c < columns; c++) {
      widths[c] = headers.get(c).length();
      numeric[c] = !rows.isEmpty();
      for (List<String> row : rows) {
        String cell = c < row.size() ? row.get(c) : "";
        widths[c] = Math.max(widths[c], cell.length());
        numeric[c] &= cell.equals("-") || cell.matches("\\$?-?[0-9][0-9,]*(\\.[0-9]+)?( ?(ms|s|%))?");
      }
    }
    print(out, headers, widths, numeric);
    for (List<String> row : rows) {
      print(out, row, widths, numeric);
    }
  }

  private static void print(PrintStream out, List<String> cells, int[] widths, boolean[] numeric) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      String cell = c < cells.size() ? cells.get(c) : "";
      String format = "%" + (numeric[c] ? "" : "-") + widths[c] + "s";
      line.append(String.format(format, cell));
      if (c < widths.length - 1) {
        line.append("  ");
      }
    }
    out.println(line.toString().stripTrailing());
  }

  /** An amount in USD with four decimals: {@code $0.0123}. */
  public static String usd(com.fasterxml.jackson.databind.JsonNode amount) {
    return String.format(java.util.Locale.ROOT, "$%.4f", amount.asDouble());
  }
}
