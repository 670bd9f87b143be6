package io.wecomrelay.support.apptoken;

import java.util.Set;

import io.wecomrelay.schemas.testing.RecordRedactionContract;
import io.wecomrelay.schemas.testing.RedactionAudit;
import io.wecomrelay.schemas.testing.SchemasRedaction;

/** No record of the shared access tokens prints a token; new components named like sensitive data must be classified here. */
class RecordRedactionTest extends RecordRedactionContract {

    static final String ROOT = "io.wecomrelay.support.apptoken.";

    RecordRedactionTest() {
        super(new RedactionAudit("io.wecomrelay.support.apptoken", AccessTokens.class, SchemasRedaction.FACTORIES,
                        SchemasRedaction.OVERRIDES),
                with(SchemasRedaction.SENSITIVE, ROOT, "IssuedToken.token"),
                with(SchemasRedaction.SHOWN, ROOT, "AccessTokens.Settings.keyPrefix"), 1);
    }
}
