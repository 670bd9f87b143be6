package io.wecomrelay.processor.dedup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The dedup store of a run whose state is thrown away ({@code relay replay} under a test driver): in memory, ordered
 * by key and then time as the processor's RocksDB store is, so a key's fetch is one lookup. The test driver commits
 * after every record, and a commit makes the RocksDB store flush and write its position file to disk; Kafka Streams'
 * own in-memory window store is ordered by time and reads every time in the fetched range.
 * <p>
 * It answers as the RocksDB store does: a time is visible while it is no older than the retention before the latest
 * time put ({@code fetch} starts at {@code max(from, observed - retention + 1)}, and a put older than that is as good
 * as dropped, which this store does at once); a key's times come in order. Only the single-key operations the
 * processor uses are supported.
 */
final class KeyOrderedWindowStore implements WindowStore<Bytes, byte[]> {

    private final String name;
    private final long retentionMs;
    private final Map<Bytes, TreeMap<Long, byte[]>> byKey = new HashMap<>();
    /** The keys put at each time, so that what the retention no longer shows is dropped. */
    private final TreeMap<Long, Set<Bytes>> byTime = new TreeMap<>();
    private long observedStreamTime = -1;
    private boolean open;

    private KeyOrderedWindowStore(String name, long retentionMs) {
        this.name = name;
        this.retentionMs = retentionMs;
    }

    static WindowBytesStoreSupplier supplier(String name, long retentionMs) {
        return new WindowBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public WindowStore<Bytes, byte[]> get() {
                return new KeyOrderedWindowStore(name, retentionMs);
            }

            @Override
            public String metricsScope() {
                return "in-memory-window";
            }

            @Override
            public long segmentIntervalMs() {
                return retentionMs;
            }

            @Override
            public long windowSize() {
                return retentionMs;
            }

            @Override
            public boolean retainDuplicates() {
                return false;
            }

            @Override
            public long retentionPeriod() {
                return retentionMs;
            }
        };
    }

    @Override
    public void put(Bytes key, byte[] value, long windowStartTimestamp) {
        observedStreamTime = Math.max(observedStreamTime, windowStartTimestamp);
        if (value == null) {
            remove(key, windowStartTimestamp);
        } else {
            byKey.computeIfAbsent(key, k -> new TreeMap<>()).put(windowStartTimestamp, value);
            byTime.computeIfAbsent(windowStartTimestamp, t -> new HashSet<>()).add(key);
        }
        long oldestVisible = oldestVisible();
        while (!byTime.isEmpty() && byTime.firstKey() < oldestVisible) {
            Map.Entry<Long, Set<Bytes>> expired = byTime.pollFirstEntry();
            expired.getValue().forEach(k -> remove(k, expired.getKey()));
        }
    }

    @Override
    public byte[] fetch(Bytes key, long time) {
        TreeMap<Long, byte[]> times = byKey.get(key);
        return times == null || time < oldestVisible() ? null : times.get(time);
    }

    @Override
    public WindowStoreIterator<byte[]> fetch(Bytes key, long timeFrom, long timeTo) {
        return iterator(visible(key, timeFrom, timeTo));
    }

    @Override
    public WindowStoreIterator<byte[]> backwardFetch(Bytes key, long timeFrom, long timeTo) {
        return iterator(visible(key, timeFrom, timeTo).descendingMap());
    }

    private NavigableMap<Long, byte[]> visible(Bytes key, long timeFrom, long timeTo) {
        TreeMap<Long, byte[]> times = byKey.get(key);
        long from = Math.max(timeFrom, oldestVisible());
        return times == null || timeTo < from ? new TreeMap<>() : times.subMap(from, true, timeTo, true);
    }

    private long oldestVisible() {
        return observedStreamTime - retentionMs + 1;
    }

    private void remove(Bytes key, long time) {
        TreeMap<Long, byte[]> times = byKey.get(key);
        if (times != null) {
            times.remove(time);
            if (times.isEmpty()) {
                byKey.remove(key);
            }
        }
    }

    /** A copy: the caller may put while it iterates. */
    private static WindowStoreIterator<byte[]> iterator(NavigableMap<Long, byte[]> times) {
        List<KeyValue<Long, byte[]>> entries = new ArrayList<>(times.size());
        times.forEach((time, value) -> entries.add(KeyValue.pair(time, value)));
        return new WindowStoreIterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < entries.size();
            }

            @Override
            public KeyValue<Long, byte[]> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return entries.get(next++);
            }

            @Override
            public Long peekNextKey() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return entries.get(next).key;
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> fetch(Bytes keyFrom, Bytes keyTo, long timeFrom, long timeTo) {
        throw unsupported();
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> fetchAll(long timeFrom, long timeTo) {
        throw unsupported();
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> all() {
        throw unsupported();
    }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("the dedup step reads one key at a time");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            // no changelog: nothing to restore
        });
        open = true;
    }

    @Override
    public void flush() {
        // in memory
    }

    @Override
    public void close() {
        byKey.clear();
        byTime.clear();
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }
}
