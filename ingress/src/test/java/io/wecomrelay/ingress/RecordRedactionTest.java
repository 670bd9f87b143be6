package io.wecomrelay.ingress;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.wecomrelay.schemas.testing.RecordRedactionContract;
import io.wecomrelay.schemas.testing.RedactionAudit;
import io.wecomrelay.schemas.testing.SchemasRedaction;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * No record of ingress prints message text, a response_url or a credential, nor lets a nested {@code schemas}
 * record do so (their classification is {@link SchemasRedaction}'s). New components named like sensitive data
 * must be classified here.
 */
class RecordRedactionTest extends RecordRedactionContract {

    static final String ROOT = "io.wecomrelay.ingress.";

    static final Set<String> SENSITIVE = union(SchemasRedaction.SENSITIVE,
            ROOT + "refresh.StreamFrames.StreamFrame.content", ROOT + "refresh.StreamSnapshot.content",
            ROOT + "refresh.StreamSnapshot.images", ROOT + "callback.SignedQuery.echostr",
            RedactionAudit.Marks.EXTRA + "WecomCrypto");

    static final Set<String> SHOWN = union(SchemasRedaction.SHOWN,
            ROOT + "IngressProperties.texts", ROOT + "IngressProperties.responseUrl", // operator's config
            ROOT + "IngressProperties.maxBodySize", ROOT + "callback.CallbackLimits.maxBodySize", // a size
            ROOT + "callback.VerifiedCallback.callback",                              // redacts itself
            ROOT + "refresh.StreamSnapshot.AttachedImage.key");                       // a Redis key: the stream id

    RecordRedactionTest() {
        super(new RedactionAudit("io.wecomrelay.ingress", IngressApplication.class, factories(),
                SchemasRedaction.OVERRIDES), SENSITIVE, SHOWN, 10);
    }

    private static Map<Class<?>, Function<RedactionAudit.Marks, @Nullable Object>> factories() {
        var factories = new HashMap<>(SchemasRedaction.FACTORIES);
        factories.put(DataSize.class, marks -> DataSize.ofKilobytes(64));
        // the crypto of a bot holds its token and key: built from real-looking ones, whose text must not print
        factories.put(WecomCrypto.class, marks -> new WecomCrypto(marks.mark("WecomCrypto"),
                "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "", AesCbcEngines.defaultEngine(), new SecureRandom()));
        return factories;
    }

    private static Set<String> union(Set<String> base, String... more) {
        var all = new HashSet<>(base);
        all.addAll(Set.of(more));
        return Set.copyOf(all);
    }
}
