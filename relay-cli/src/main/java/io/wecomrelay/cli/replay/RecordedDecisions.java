package io.wecomrelay.cli.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;

/**
 * The recorded decisions of a replay, each kept as only what the comparison needs: a 64-bit hash of its link and of
 * its verdict's text, its policy version (an index into the few distinct ones), its record time, and where it is
 * (topic, partition, offset), so that the few that differ are read again for the report. About 50 bytes a decision
 * rather than its texts and objects (several hundred bytes): a million decisions take about 50 MB.
 * <p>
 * Two different links, or two different texts, hash alike with a probability of about n² / 2^65 (one in 10^7 for
 * a million decisions); strings of equal length that differ in one character never do (each step of the hash is a
 * bijection). Not thread-safe.
 */
final class RecordedDecisions {

    private static final int EMPTY = -1;
    private static final int TOPIC_BIT = 1 << 30;

    private int[] table = new int[1 << 10];
    private long[] links = new long[512];
    private long[] verdicts = new long[512];
    private long[] times = new long[512];
    private long[] offsets = new long[512];
    /** Partition, and {@link #TOPIC_BIT} set for the second decision topic. */
    private int[] places = new int[512];
    private int[] policies = new int[512];
    private final BitSet taken = new BitSet();
    private final List<String> policyVersions = new ArrayList<>();
    private final Map<String, Integer> policyIndex = new HashMap<>();
    private int size;

    RecordedDecisions() {
        Arrays.fill(table, EMPTY);
    }

    /** Where a recorded decision is: {@code topic} 0 or 1 (accepted, rejected), partition and offset. */
    record Place(int topic, int partition, long offset) {
    }

    /** Keeps a decision; a later one with the same link replaces the earlier (as a map would). */
    void add(Verdict verdict, long timestampMs, Place place) {
        add(hash(verdict.link()), hash(verdict.text()), verdict.policyVersion(), timestampMs,
                place.partition() | (place.topic() == 1 ? TOPIC_BIT : 0), place.offset());
    }

    /**
     * Keeps every decision of {@code other} after those kept here, in the order {@code other} kept them (each
     * decision topic partition is read into its own instance, in parallel; merged in topic and partition order, a
     * later decision with the same link still replaces the earlier one deterministically).
     */
    void addAll(RecordedDecisions other) {
        for (int index = 0; index < other.size; index++) {
            add(other.links[index], other.verdicts[index], other.policyVersion(index), other.times[index],
                    other.places[index], other.offsets[index]);
        }
    }

    private void add(long link, long verdict, String policyVersion, long timestampMs, int place, long offset) {
        int index = find(link);
        if (index == EMPTY) {
            if (size == links.length) {
                grow();
            }
            index = size++;
            insert(link, index);
        }
        links[index] = link;
        verdicts[index] = verdict;
        times[index] = timestampMs;
        offsets[index] = offset;
        places[index] = place;
        policies[index] = policyIndex.computeIfAbsent(policyVersion, version -> {
            policyVersions.add(version);
            return policyVersions.size() - 1;
        });
        taken.clear(index);
    }

    /** The index of the decision linked to {@code link} and marks it compared, or {@link #EMPTY} (-1). */
    int take(String link) {
        int index = find(hash(link));
        if (index == EMPTY || taken.get(index)) {
            return EMPTY;
        }
        taken.set(index);
        return index;
    }

    /** The policy version of the decision linked to {@code link} not yet compared, or null. */
    @Nullable String policyVersion(String link) {
        int index = find(hash(link));
        return index == EMPTY || taken.get(index) ? null : policyVersions.get(policies[index]);
    }

    boolean sameText(int index, Verdict verdict) {
        return verdicts[index] == hash(verdict.text());
    }

    String policyVersion(int index) {
        return policyVersions.get(policies[index]);
    }

    long timestampMs(int index) {
        return times[index];
    }

    Place place(int index) {
        return new Place((places[index] & TOPIC_BIT) == 0 ? 0 : 1, places[index] & ~TOPIC_BIT, offsets[index]);
    }

    /** Each decision not yet compared, in the order they were kept. */
    void forEachLeft(IntConsumer action) {
        for (int index = taken.nextClearBit(0); index < size; index = taken.nextClearBit(index + 1)) {
            action.accept(index);
        }
    }

    int size() {
        return size;
    }

    private int find(long link) {
        int mask = table.length - 1;
        for (int slot = slot(link, mask); ; slot = (slot + 1) & mask) {
            int index = table[slot];
            if (index == EMPTY || links[index] == link) {
                return index;
            }
        }
    }

    private void insert(long link, int index) {
        int mask = table.length - 1;
        int slot = slot(link, mask);
        while (table[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        table[slot] = index;
    }

    private void grow() {
        int capacity = links.length * 2;
        links = Arrays.copyOf(links, capacity);
        verdicts = Arrays.copyOf(verdicts, capacity);
        times = Arrays.copyOf(times, capacity);
        offsets = Arrays.copyOf(offsets, capacity);
        places = Arrays.copyOf(places, capacity);
        policies = Arrays.copyOf(policies, capacity);
        table = new int[capacity * 2];
        Arrays.fill(table, EMPTY);
        for (int index = 0; index < size; index++) {
            insert(links[index], index);
        }
    }

    private static int slot(long hash, int mask) {
        return (int) (hash ^ (hash >>> 32)) & mask;
    }

    /** FNV-1a over the characters, then MurmurHash3's finalizer to spread the bits. */
    static long hash(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }
}
