package io.wecomrelay.support.outbound;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.NameResolverProvider;

/**
 * Turns a Reactor Netty client into one that connects only where the {@link OutboundPolicy}
 * permits. The address is judged after resolution and before the connection opens, so a name
 * that passes the allow-list but resolves (or re-resolves) to an internal address gets no
 * request, not even a TCP handshake. Redirects and proxies stay off: a 3xx is an answer, not an
 * instruction to go elsewhere.
 */
public final class GuardedHttpClient {

    private GuardedHttpClient() {
    }

    public static HttpClient guard(HttpClient client, OutboundPolicy policy) {
        return client
                .followRedirect(false)
                .noProxy()
                .resolver(new Group(names(client), policy))
                .doOnConnected(connection -> {
                    // the resolver already judged this address; a second look costs nothing
                    SocketAddress remote = connection.channel().remoteAddress();
                    if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null
                            || !policy.permitsConnection(inet.getAddress(), inet.getPort())) {
                        connection.channel().close();
                    }
                });
    }

    /** The client's own resolver when it has one, otherwise Reactor Netty's non-blocking DNS resolver. */
    @SuppressWarnings("unchecked")
    private static AddressResolverGroup<InetSocketAddress> names(HttpClient client) {
        var config = client.configuration();
        if (config.resolver() != null) {
            return (AddressResolverGroup<InetSocketAddress>) config.resolver();
        }
        return NameResolverProvider.builder().build().newNameResolverGroup(config.loopResources(), config.isPreferNative());
    }

    private static final class Group extends AddressResolverGroup<InetSocketAddress> {

        private final AddressResolverGroup<InetSocketAddress> names;
        private final OutboundPolicy policy;

        Group(AddressResolverGroup<InetSocketAddress> names, OutboundPolicy policy) {
            this.names = names;
            this.policy = policy;
        }

        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new GuardedAddressResolver(executor, names.getResolver(executor), policy);
        }
    }
}
