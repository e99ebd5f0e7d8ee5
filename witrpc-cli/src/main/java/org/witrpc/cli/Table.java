package org.witrpc.cli;

import java.util.List;

/** Plain-text columns: each padded to its widest cell, two spaces apart, the last not padded. */
final class Table {
  private Table() {}

  static String format(List<String[]> rows) {
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
