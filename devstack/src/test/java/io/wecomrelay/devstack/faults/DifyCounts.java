package io.wecomrelay.devstack.faults;

import java.util.List;

import io.wecomrelay.sim.dify.DifySimulator;

/**
 * Dify calls per reply, from the simulator's request log (each message's query is unique). A worker killed
 * mid-stream leaves its replies to another worker, which asks Dify again: one extra call per reply in flight.
 *
 * @param streams      acknowledged messages, each one reply
 * @param calls        chat requests for them
 * @param withoutCall  replies Dify was never asked for
 * @param withExtra    replies Dify was asked for more than once
 * @param maxPerStream the most calls one reply caused
 */
record DifyCounts(int streams, long calls, int withoutCall, int withExtra, int maxPerStream) {

    static DifyCounts of(List<SentMessage> sent, DifySimulator dify) {
        List<Integer> perStream = sent.stream().filter(SentMessage::acknowledged)
                .map(message -> dify.requestsFor(message.query()).size()).toList();
        return new DifyCounts(perStream.size(), perStream.stream().mapToLong(Integer::longValue).sum(),
                (int) perStream.stream().filter(calls -> calls == 0).count(),
                (int) perStream.stream().filter(calls -> calls > 1).count(),
                perStream.stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    long extraCalls() {
        return calls - (streams - withoutCall);
    }

    String line() {
        return "dify: " + calls + " calls for " + streams + " replies; " + withExtra + " replies with an extra call ("
                + extraCalls() + " extra calls), at most " + maxPerStream + " calls per reply, " + withoutCall
                + " replies without a call";
    }
}
