package io.wecomrelay.cli.entitlements;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.cli.command.KafkaCommand;
import io.wecomrelay.cli.kafka.InfrastructureException;
import io.wecomrelay.cli.kafka.InstantConverter;
import io.wecomrelay.cli.kafka.KafkaOptions;
import io.wecomrelay.cli.kafka.TimeRange;
import io.wecomrelay.cli.kafka.TopicScanner;
import io.wecomrelay.cli.kafka.TopicScanner.Scan;
import io.wecomrelay.cli.output.ExitCodes;
import io.wecomrelay.cli.output.Rows;
import io.wecomrelay.processor.auth.Entitlement;
import io.wecomrelay.processor.auth.EntitlementSerde;
import io.wecomrelay.processor.auth.Grant;
import io.wecomrelay.schemas.topic.BotPartitions;
import io.wecomrelay.schemas.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay entitlements}: the first writer of {@code wecom.entitlements}, the compacted table the processor
 * consults when {@code relay.processor.entitlements.enabled} is true (key: WeCom user id; value: the user's grants;
 * a tombstone removes them all). A grant or revoke reads the user's current value and writes the whole new one:
 * run one writer at a time per user.
 */
@Command(name = "entitlements", mixinStandardHelpOptions = true,
        description = "Grants on wecom.entitlements: which bots a WeCom user may use, until when.",
        subcommands = {EntitlementsCommand.ListGrants.class, EntitlementsCommand.GrantCommand.class,
                EntitlementsCommand.Revoke.class})
public final class EntitlementsCommand {

    private static final EntitlementSerde SERDE = new EntitlementSerde();

    /** The latest value of every user key (or of one), as the processor's global table would hold it. */
    static Map<String, Entitlement> current(TopicScanner scanner, @Nullable String user) {
        String topic = Topics.ENTITLEMENTS.name();
        int partitions = scanner.partitions(topic);
        if (partitions == 0) {
            throw new InfrastructureException("topic " + topic + " does not exist (relay topics create)");
        }
        Set<Integer> only = user == null ? null : Set.of(BotPartitions.of(user, partitions));
        var latest = new TreeMap<String, @Nullable Entitlement>();
        scanner.scan(Scan.of(topic, TimeRange.ALL).onPartitions(only).where(r -> r.key() != null
                && (user == null || user.equals(r.key()))), record -> latest.put(record.key(), SERDE.deserialize(topic, record.value())));
        var present = new LinkedHashMap<String, Entitlement>();
        latest.forEach((key, value) -> {
            if (value != null) {
                present.put(key, value);
            }
        });
        return present;
    }

    /** A subcommand on the grants: it reads the current ones first. */
    abstract static class OnGrants extends KafkaCommand {

        /** The current grants of every user, or of {@code user}. */
        Map<String, Entitlement> current(@Nullable String user) {
            try (var scanner = scanner()) {
                return EntitlementsCommand.current(scanner, user);
            }
        }
    }

    static void write(KafkaOptions kafka, String user, @Nullable Entitlement entitlement) {
        try (var producer = new KafkaProducer<>(kafka.producer(), new StringSerializer(), SERDE)) {
            producer.send(new ProducerRecord<>(Topics.ENTITLEMENTS.name(), user, entitlement))
                    .get(kafka.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while writing the entitlement of " + user, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new InfrastructureException("writing the entitlement of " + user + " failed: " + e.getMessage(), e);
        }
    }

    static void print(Rows rows, String user, @Nullable Entitlement entitlement, Instant now) {
        if (entitlement == null) {
            return;
        }
        for (Grant grant : entitlement.grants()) {
            Map<String, @Nullable Object> row = Rows.row();
            row.put("user", user);
            row.put("bot", grant.bot());
            row.put("until", grant.until() == null ? "-" : grant.until().toString());
            row.put("state", grant.until() == null || now.isBefore(grant.until()) ? "valid" : "expired");
            rows.add(row);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Every user's grants (or one user's) as the processor's table holds them now.",
                    "Exit code 1 when there are none."})
    static final class ListGrants extends OnGrants {

        @Option(names = "--user", paramLabel = "USER", description = "Only this WeCom user id.")
        @Nullable String user;

        private final Clock clock;

        ListGrants(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Integer call() {
            Map<String, Entitlement> all = current(user);
            Rows rows = rows();
            all.forEach((key, value) -> print(rows, key, value, clock.instant()));
            rows.flush();
            return rows.count() == 0 ? ExitCodes.DIFFERENCES : ExitCodes.OK;
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = "Lets USER use BOT (or * for every bot), until a time or without end; replaces an earlier grant for the same bot.")
    static final class GrantCommand extends OnGrants {

        @Option(names = "--user", required = true, paramLabel = "USER", description = "The WeCom user id.")
        String user;

        @Option(names = "--bot", required = true, paramLabel = "BOT", description = "A bot id, or * for every bot.")
        String bot;

        @Option(names = "--until", paramLabel = "TIME", converter = InstantConverter.class,
                description = "When the grant ends (exclusive); none: no end.")
        @Nullable Instant until;

        private final Clock clock;

        GrantCommand(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Integer call() {
            Entitlement now = current(user).getOrDefault(user, Entitlement.NONE);
            var grants = new ArrayList<Grant>();
            now.grants().stream().filter(grant -> !grant.bot().equals(bot)).forEach(grants::add);
            grants.add(new Grant(bot, until));
            var updated = new Entitlement(grants);
            write(kafka, user, updated);
            Rows rows = rows();
            print(rows, user, updated, clock.instant());
            rows.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Removes USER's grant for BOT, or every grant of USER without --bot (a tombstone).",
                    "Exit code 1 when there was nothing to revoke."})
    static final class Revoke extends OnGrants {

        @Option(names = "--user", required = true, paramLabel = "USER", description = "The WeCom user id.")
        String user;

        @Option(names = "--bot", paramLabel = "BOT", description = "Only the grant for this bot (or *).")
        @Nullable String bot;

        @Override
        public Integer call() {
            Entitlement now = current(user).get(user);
            if (now == null || (bot != null && now.grants().stream().noneMatch(grant -> grant.bot().equals(bot)))) {
                err().println("relay entitlements revoke: " + user + " has no such grant");
                return ExitCodes.DIFFERENCES;
            }
            List<Grant> left = bot == null ? List.of() : now.grants().stream().filter(grant -> !grant.bot().equals(bot)).toList();
            write(kafka, user, left.isEmpty() ? null : new Entitlement(left));
            err().println(left.isEmpty() ? "removed every grant of " + user : "revoked " + user + " -> " + bot);
            return ExitCodes.OK;
        }
    }
}
