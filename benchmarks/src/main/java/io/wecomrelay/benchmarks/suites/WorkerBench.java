package io.wecomrelay.benchmarks.suites;

import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;

public final class WorkerBench implements Bench.Suite {

    @Override
    public String name() {
        return "worker";
    }

    @Override
    public Table run(Bench.Context context) {
        throw new UnsupportedOperationException("not written yet");
    }
}
