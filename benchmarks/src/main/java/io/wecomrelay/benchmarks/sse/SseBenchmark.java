package io.wecomrelay.benchmarks.sse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.dify.DifyEvent;
import io.wecomrelay.llm.dify.SseAccess;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The llm-worker's reading of a Dify stream (issue 22), per event: the code before issue 22 ({@code legacy}:
 * {@link LegacySseDecoder}, {@link LegacyDifyEventParser}, a tree per event) against the worker's
 * ({@code streaming}), on the same {@link SseFixture}. {@code stream} is what the worker does per response,
 * bytes to events ({@code SseEvents}), with the body in reads of one event each or of 1 KiB; {@code parse}
 * is the JSON part alone, frame to event. Scores are per event ({@value SseFixture#EVENTS} a stream, pings
 * included); run with {@code -prof gc} for bytes allocated per event. One thread: ns per event is per core.
 * Same short settings as the codec benchmark.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class SseBenchmark {

    /** The worker's default bounds (relay.worker.dify.max-line-size, max-event-size). */
    static final DifyClient.StreamLimits LIMITS = new DifyClient.StreamLimits(1 << 20, 1 << 20);

    @Param({"legacy", "streaming"})
    public String impl;

    private final SseFixture fixture = new SseFixture();

    /** How the body arrives: {@code event}, one read per event; {@code 1k}, reads of 1 KiB. */
    @State(Scope.Benchmark)
    public static class Reads {
        @Param({"event", "1k"})
        public String reads;

        List<byte[]> of(SseFixture fixture) {
            return reads.equals("event") ? fixture.readsByEvent : fixture.readsOf1k;
        }
    }

    @Setup
    public void check() {
        // both must read the fixture to the same events, the whole answer among them
        var legacy = new StreamCounter();
        var streaming = new StreamCounter();
        var legacyEvents = new LegacySseEvents(LIMITS);
        var streamingEvents = new SseAccess(LIMITS);
        for (byte[] read : fixture.readsOf1k) {
            legacy.add(legacyEvents.read(read));
            streaming.add(streamingEvents.read(read));
        }
        legacy.add(legacyEvents.finish());
        streaming.add(streamingEvents.finish());
        if (!legacy.events.equals(streaming.events) || !legacy.answer.toString().equals(fixture.answer)) {
            throw new IllegalStateException("legacy and streaming read the fixture differently");
        }
    }

    @Benchmark
    @OperationsPerInvocation(SseFixture.EVENTS)
    public void stream(Reads reads, Blackhole events) {
        List<byte[]> body = reads.of(fixture);
        if (impl.equals("legacy")) {
            var stream = new LegacySseEvents(LIMITS);
            for (byte[] read : body) {
                events.consume(stream.read(read));
            }
            events.consume(stream.finish());
        } else {
            var stream = new SseAccess(LIMITS);
            for (byte[] read : body) {
                events.consume(stream.read(read));
            }
            events.consume(stream.finish());
        }
    }

    @Benchmark
    @OperationsPerInvocation(SseFixture.EVENTS)
    public void parse(Blackhole events) {
        if (impl.equals("legacy")) {
            for (SseFixture.Frame frame : fixture.frames) {
                events.consume(LegacyDifyEventParser.parse(new LegacySseFrame(frame.event(), frame.data())));
            }
        } else {
            for (SseFixture.Frame frame : fixture.frames) {
                events.consume(SseAccess.parse(frame.event(), frame.data()));
            }
        }
    }

    /** The events of a stream and the answer they add up to. */
    private static final class StreamCounter {
        final List<DifyEvent> events = new ArrayList<>();
        final StringBuilder answer = new StringBuilder();

        void add(List<DifyEvent> read) {
            for (DifyEvent event : read) {
                events.add(event);
                if (event instanceof DifyEvent.Text text) {
                    answer.append(text.answer());
                }
            }
        }
    }
}
