package org.witrpc.cli;

import java.util.Arrays;
import java.util.List;

/**
 * Plain-text columns: each padded to its widest cell, two spaces apart, the last not padded. Each
 * cell is escaped first ({@link TerminalSafeWriter#field}), so that what a server or a file said
 * stays in its cell.
 */
final class Table {
  private Table() {}

  static String format(List<String[]> cells) {
    List<String[]> rows =
        cells.stream()
            .map(row -> Arrays.stream(row).map(TerminalSafeWriter::field).toArray(String[]::new))
            .toList();
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        sb.append(row[c]);
        if (c < columns - 1) {
          sb.append(" ".repeat(widths[c] - row[c].length() + 2));
        }
      }
      sb.append(System.lineSeparator());
    }
    return sb.toString();
  }
}
