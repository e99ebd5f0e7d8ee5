package org.witrpc.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The stdout lines of a child whose output goes to the log: the last {@code capacity} are kept, and
 * each running {@link LineSearch} sees every line as it is added, so a line that is followed by
 * many others before anyone looks is not missed (it would fall out of the kept ones).
 *
 * <p>Thread safety: safe for concurrent use (the stdout pump adds, searches run on any thread).
 */
final class StdoutLines {
  private final int capacity;
  private final Deque<String> kept = new ArrayDeque<>(); // guarded by this
  private final List<PrefixSearch> searches = new ArrayList<>(); // guarded by this

  /** Keeps the last {@code capacity} lines for searches begun later. */
  StdoutLines(int capacity) {
    this.capacity = capacity;
  }

  /** Adds the next line: kept, and offered to the running searches. */
  synchronized void add(String line) {
    for (PrefixSearch search : searches) {
      search.offer(line);
    }
    if (capacity == 0) {
      return;
    }
    kept.addLast(line);
    if (kept.size() > capacity) {
      kept.removeFirst();
    }
  }

  /** Begins a search for a line starting with {@code prefix}, from the kept lines on. */
  synchronized LineSearch search(String prefix) {
    PrefixSearch search = new PrefixSearch(prefix);
    for (String line : kept) {
      search.offer(line);
    }
    searches.add(search);
    return search;
  }

  private synchronized void end(PrefixSearch search) {
    searches.remove(search);
  }

  private final class PrefixSearch implements LineSearch {
    private final String prefix;
    private volatile String found;

    PrefixSearch(String prefix) {
      this.prefix = prefix;
    }

    /** Called with the lock of the lines held, one line at a time, in order. */
    void offer(String line) {
      if (found == null && line.startsWith(prefix)) {
        found = line;
      }
    }

    @Override
    public Optional<String> poll(boolean ended) {
      return Optional.ofNullable(found);
    }

    @Override
    public void close() {
      end(this);
    }
  }
}
