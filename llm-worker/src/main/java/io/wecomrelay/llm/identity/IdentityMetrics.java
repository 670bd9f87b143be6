package io.wecomrelay.llm.identity;

import java.time.Duration;

/** What identity lookups report, per bot; never a token. Implementations are thread-safe and never throw. */
public interface IdentityMetrics {

    /** Outcome tags of {@link #token}. */
    String CACHED = "cached";
    String FETCHED = "fetched";
    String REFRESHED = "refreshed";
    String REFUSED = "refused";
    String UNAVAILABLE = "unavailable";

    /** A reply got its asker's token ({@code cached}, {@code fetched}, {@code refreshed}) or did not. */
    void token(String botId, String outcome);

    /** One call to the auth service (all its tries) took {@code duration}; {@code outcome} is ok, refused or unavailable. */
    void lookup(String botId, String outcome, Duration duration);
}
