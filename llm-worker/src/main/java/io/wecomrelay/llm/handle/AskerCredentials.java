package io.wecomrelay.llm.handle;

import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.identity.IdentityAnswer;
import io.wecomrelay.llm.identity.IdentityRefusedException;
import io.wecomrelay.llm.identity.IdentityTokens;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.IdentitySource;
import io.wecomrelay.schemas.event.MessageAccepted;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Puts the asker's token on a bot's Dify request, as the input and/or header its {@code identity} names, and
 * renews it once when Dify turns it down. The asker is the WeCom user who sent the message, also in a group whose
 * members share one Dify conversation.
 */
public final class AskerCredentials {

    /** What the service said for this message's asker. */
    sealed interface Verdict {
        /** The request as it goes to Dify. */
        record Granted(ChatRequest request) implements Verdict {
        }

        record Refused(String reason) implements Verdict {
        }
    }

    private final IdentityTokens tokens;

    public AskerCredentials(IdentityTokens tokens) {
        this.tokens = tokens;
    }

    /** The request with the asker's token, or the refusal; fails with {@code IdentityUnavailableException}. */
    Mono<Verdict> apply(BotConfig bot, IdentitySource identity, MessageAccepted message, ChatRequest request) {
        return tokens.token(identity, bot.id(), message.message().userId())
                .map(answer -> answer instanceof IdentityAnswer.Token token
                        ? new Verdict.Granted(with(request, identity, token.value()))
                        : new Verdict.Refused(((IdentityAnswer.Refused) answer).reason()));
    }

    /** A fresh token instead of the one Dify turned down in {@code refused}. */
    Mono<ChatRequest> renew(BotConfig bot, IdentitySource identity, MessageAccepted message, ChatRequest refused) {
        String stale = stale(refused, identity);
        return tokens.refresh(identity, bot.id(), message.message().userId(), stale == null ? "" : stale)
                .map(answer -> {
                    if (answer instanceof IdentityAnswer.Token token) {
                        return with(refused, identity, token.value());
                    }
                    throw new IdentityRefusedException(((IdentityAnswer.Refused) answer).reason());
                });
    }

    private static ChatRequest with(ChatRequest request, IdentitySource identity, String token) {
        ChatRequest result = request;
        if (identity.input() != null) {
            result = result.withInput(identity.input(), token);
        }
        if (identity.header() != null) {
            result = result.withHeader(identity.header(), token);
        }
        return result;
    }

    private static @Nullable String stale(ChatRequest request, IdentitySource identity) {
        return identity.input() != null ? request.inputs().get(identity.input())
                : request.headers().get(identity.header());
    }
}
