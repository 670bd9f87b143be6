package io.wecomrelay.devstack.faults;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.WecomMessages;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Steady traffic from every bot until {@link #stop}: users of streaming bots who send a message and poll its
 * stream until it finishes (as the WeCom client does), a response_url user who waits for each reply, and a group
 * that keeps talking to the webhook bot without waiting (its replies must still arrive in order).
 */
final class Load {

    private static final Logger log = LoggerFactory.getLogger(Load.class);

    static final int USERS_PER_STREAMING_BOT = 3;
    /** Faster than WeCom's ~1 s, so that more polls are in flight when an ingress instance dies. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    /** How long a user follows one reply; WeCom's window is 6 minutes. */
    static final Duration REPLY_DEADLINE = Duration.ofMinutes(4);
    static final Duration THINK_TIME = Duration.ofMillis(300);
    /** The group's pace: 15 messages a minute, under the webhook's 20. */
    static final Duration GROUP_PACE = Duration.ofSeconds(4);

    private final WecomFront front;
    private final Ledger ledger;
    private final WeComApiSimulator wecomApi;
    private final List<FaultBot> bots;
    private final ExecutorService users = Executors.newCachedThreadPool();
    private volatile boolean stopping;

    Load(WecomFront front, Ledger ledger, WeComApiSimulator wecomApi, List<FaultBot> bots) {
        this.front = front;
        this.ledger = ledger;
        this.wecomApi = wecomApi;
        this.bots = List.copyOf(bots);
    }

    void start() {
        for (FaultBot bot : bots) {
            switch (bot.mode()) {
                case PASSIVE_STREAM, STREAM_WITH_TEMPLATE_CARD -> {
                    for (int u = 1; u <= USERS_PER_STREAMING_BOT; u++) {
                        String user = "user" + u;
                        run(() -> streamingUser(bot, user));
                    }
                }
                case RESPONSE_URL -> run(() -> responseUrlUser(bot, "user1"));
                case WEBHOOK -> run(() -> group(bot, "group1"));
            }
        }
    }

    /** Stops sending; every user finishes following the message it sent last. */
    void stop(Duration timeout) throws InterruptedException {
        stopping = true;
        users.shutdown();
        if (!users.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            users.shutdownNow();
        }
    }

    private void run(Interruptible user) {
        users.execute(() -> {
            try {
                user.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("a load user failed", e);
            }
        });
    }

    private void streamingUser(FaultBot bot, String user) throws InterruptedException {
        for (int n = 1; !stopping; n++) {
            String msgId = UUID.randomUUID().toString();
            String query = query(bot, user, n);
            CallbackResponse first = front.deliver(bot, WecomMessages.text(bot.id(), msgId, user, null, query));
            var message = new SentMessage(bot, msgId, user, query, null, first != null);
            ledger.sent(message);
            if (first == null) {
                continue;
            }
            String content = String.valueOf(first.streamContent());
            boolean finished = first.streamFinished();
            int polls = 0;
            long deadline = System.nanoTime() + REPLY_DEADLINE.toNanos();
            while (!finished && System.nanoTime() < deadline) {
                Thread.sleep(POLL_INTERVAL.toMillis());
                CallbackResponse answer = front.poll(bot, WecomMessages.refresh(bot.id(), msgId + "-r" + polls, user, null,
                        message.streamId()));
                polls++;
                if (answer != null && answer.streamContent() != null) {
                    content = answer.streamContent();
                    finished = answer.streamFinished();
                }
            }
            ledger.streamed(message, new Ledger.Streamed(content, finished, polls));
            Thread.sleep(THINK_TIME.toMillis());
        }
    }

    private void responseUrlUser(FaultBot bot, String user) throws InterruptedException {
        for (int n = 1; !stopping; n++) {
            String msgId = UUID.randomUUID().toString();
            String query = query(bot, user, n);
            String responseUrl = wecomApi.newResponseUrl();
            ObjectNode text = WecomMessages.text(bot.id(), msgId, user, null, query);
            text.put("response_url", responseUrl);
            CallbackResponse first = front.deliver(bot, text);
            String code = responseUrl.substring(responseUrl.indexOf("response_code=") + "response_code=".length());
            ledger.sent(new SentMessage(bot, msgId, user, query, code, first != null));
            long deadline = System.nanoTime() + REPLY_DEADLINE.toNanos();
            while (first != null && wecomApi.messagesTo(code).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
            Thread.sleep(THINK_TIME.toMillis());
        }
    }

    private void group(FaultBot bot, String chatId) throws InterruptedException {
        for (int n = 1; !stopping; n++) {
            String msgId = UUID.randomUUID().toString();
            String user = "member" + (n % 2 + 1);
            String query = query(bot, user, n);
            CallbackResponse first = front.deliver(bot, WecomMessages.text(bot.id(), msgId, user, chatId, query));
            ledger.sent(new SentMessage(bot, msgId, user, query, bot.webhookKey(), first != null));
            Thread.sleep(GROUP_PACE.toMillis());
        }
    }

    private static String query(FaultBot bot, String user, int n) {
        return "faults " + bot.mode().wireName() + " " + user + " #" + n + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    @FunctionalInterface
    private interface Interruptible {
        void run() throws InterruptedException;
    }
}
