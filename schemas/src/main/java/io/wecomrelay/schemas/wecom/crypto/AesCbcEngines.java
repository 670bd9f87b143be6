package io.wecomrelay.schemas.wecom.crypto;

/** The available {@link AesCbcEngine}s and the default one. */
public final class AesCbcEngines {

    private AesCbcEngines() {
    }

    /**
     * The engine to use unless there is a reason not to: the JDK's.
     *
     * <p>Why: {@code bench/run.sh codec}, three runs on 2026-11-21 (AMD EPYC, 2 shared cores,
     * JDK 17.0.15): verify+decrypt+parse of a 1 KB text callback took 5.9-6.6 µs/op with JCA vs
     * 13.9-25.1 µs/op with BouncyCastle; build+encrypt+sign of a 1 KB stream reply 6.5-6.8 vs
     * 12.0-16.7 µs/op. JCA won every run, by 1.8x to 3.9x (last run: 5.9 vs 15.8 and 6.5 vs 16.3).
     * HotSpot compiles SunJCE's AES/CBC to AES-NI instructions, while BouncyCastle 1.78.1's
     * {@code AESEngine.newInstance()} falls back to its table-based pure-Java engine (bcprov ships no
     * native code). See BENCHMARKS.md.
     */
    public static AesCbcEngine defaultEngine() {
        return jca();
    }

    /** A new JDK JCA engine. */
    public static AesCbcEngine jca() {
        return new JcaAesCbcEngine();
    }

    /** A new BouncyCastle lightweight-API engine. */
    public static AesCbcEngine bouncyCastle() {
        return new BouncyCastleAesCbcEngine();
    }
}
