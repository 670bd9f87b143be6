package io.wecomrelay.schemas.wecom.crypto;

import java.util.List;

/** Both engines, for parameterized tests. */
final class Engines {

    private Engines() {
    }

    static List<AesCbcEngine> all() {
        return List.of(new JcaAesCbcEngine(), new BouncyCastleAesCbcEngine());
    }
}
