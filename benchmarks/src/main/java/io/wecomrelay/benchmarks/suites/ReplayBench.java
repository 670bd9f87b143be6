package io.wecomrelay.benchmarks.suites;

import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;

public final class ReplayBench implements Bench.Suite {

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public Table run(Bench.Context context) {
        throw new UnsupportedOperationException("not written yet");
    }
}
