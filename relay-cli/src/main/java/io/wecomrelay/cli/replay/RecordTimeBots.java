package io.wecomrelay.cli.replay;

import java.util.List;
import java.util.Optional;

import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotSource;
import org.jspecify.annotations.Nullable;

/**
 * The bots as they were when a record was decided. The auditor gives every version of the bots file in question
 * (e.g. from its history in version control); for each record the version is chosen whose bot has the policy
 * version the recorded decision names, so a changed allow list or rate limit is replayed as it was. Without a
 * recorded decision, or when no file has that version, the last file given (the current one) applies and the
 * difference says so. The topology is synchronous under the test driver, so choosing before each record is exact;
 * not thread-safe: each driver has its own ({@link #copy}).
 */
final class RecordTimeBots implements BotSource {

    private final List<BotRegistry> versions;
    private BotRegistry chosen;

    RecordTimeBots(List<BotRegistry> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("at least one bots file");
        }
        this.versions = List.copyOf(versions);
        this.chosen = this.versions.get(this.versions.size() - 1);
    }

    /** The same versions, choosing on their own: one per partition replayed at the same time. */
    RecordTimeBots copy() {
        return new RecordTimeBots(versions);
    }

    boolean single() {
        return versions.size() == 1;
    }

    /** Chooses the version for the next record; false when none has {@code policyVersion} (the last one is used). */
    boolean choose(String botId, @Nullable String policyVersion) {
        if (policyVersion != null) {
            for (BotRegistry version : versions) {
                Optional<BotConfig> bot = version.find(botId);
                boolean matches = bot.map(b -> b.policyVersion().equals(policyVersion))
                        .orElse(Case.NO_POLICY.equals(policyVersion));
                if (matches) {
                    chosen = version;
                    return true;
                }
            }
        }
        chosen = versions.get(versions.size() - 1);
        return policyVersion == null;
    }

    @Override
    public BotRegistry current() {
        return chosen;
    }
}
