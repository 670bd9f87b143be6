package io.wecomrelay.processor.ops;

import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.support.bots.BotsFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the rules every decision uses (per bot: policy version, rate limit, whether auth is on) for the registry
 * of the moment and again after each reload of the bots file, so the log says which rules a decision met.
 */
public final class PolicyLog {

    private static final Logger log = LoggerFactory.getLogger(PolicyLog.class);

    private PolicyLog() {
    }

    public static PolicyLog follow(BotsFile bots) {
        write(bots.current());
        bots.onReload(PolicyLog::write);
        return new PolicyLog();
    }

    private static void write(BotRegistry bots) {
        bots.all().forEach(bot -> log.info("bot id={} policyVersion={} rateLimitPerMinute={} authEnabled={}",
                bot.id(), bot.policyVersion(), bot.rateLimitPerMinute(), bot.auth().enabled()));
    }
}
