package io.wecomrelay.schemas.wecom.crypto;

/** The available {@link AesCbcEngine}s and the default one. */
public final class AesCbcEngines {

    private AesCbcEngines() {
    }

    /**
     * The engine to use unless there is a reason not to.
     *
     * <p>PLACEHOLDER: decided by the JMH benchmark (see BENCHMARKS.md).
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
