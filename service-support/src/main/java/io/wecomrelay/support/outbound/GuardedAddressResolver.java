package io.wecomrelay.support.outbound;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.outbound.Refusal;

/**
 * Resolves through the delegate, then refuses the whole answer when any address in it is not
 * permitted: a name that resolves to a public and a private address is a rebinding attempt, not a
 * choice. Claims that no address is resolved yet, because Reactor Netty connects to an address it
 * considers resolved (every IP literal) without asking the resolver.
 */
final class GuardedAddressResolver implements AddressResolver<InetSocketAddress> {

    private final EventExecutor executor;
    private final AddressResolver<InetSocketAddress> delegate;
    private final OutboundPolicy policy;

    GuardedAddressResolver(EventExecutor executor, AddressResolver<InetSocketAddress> delegate, OutboundPolicy policy) {
        this.executor = executor;
        this.delegate = delegate;
        this.policy = policy;
    }

    @Override
    public boolean isSupported(SocketAddress address) {
        return address instanceof InetSocketAddress;
    }

    @Override
    public boolean isResolved(SocketAddress address) {
        return false;
    }

    @Override
    public Future<InetSocketAddress> resolve(SocketAddress address) {
        return resolve(address, executor.newPromise());
    }

    @Override
    public Future<InetSocketAddress> resolve(SocketAddress address, Promise<InetSocketAddress> promise) {
        Promise<List<InetSocketAddress>> all = executor.newPromise();
        all.addListener(done -> {
            if (done.isSuccess()) {
                promise.trySuccess(all.getNow().get(0));
            } else {
                promise.tryFailure(done.cause());
            }
        });
        resolveAll(address, all);
        return promise;
    }

    @Override
    public Future<List<InetSocketAddress>> resolveAll(SocketAddress address) {
        return resolveAll(address, executor.newPromise());
    }

    @Override
    public Future<List<InetSocketAddress>> resolveAll(SocketAddress address, Promise<List<InetSocketAddress>> promise) {
        if (!(address instanceof InetSocketAddress target)) {
            promise.tryFailure(new OutboundRefusedException(Refusal.MALFORMED));
            return promise;
        }
        if (!target.isUnresolved()) {
            judge(List.of(target), promise);
            return promise;
        }
        delegate.resolveAll(target).addListener(done -> {
            if (done.isSuccess()) {
                @SuppressWarnings("unchecked")
                List<InetSocketAddress> resolved = (List<InetSocketAddress>) done.getNow();
                judge(resolved, promise);
            } else {
                promise.tryFailure(done.cause());
            }
        });
        return promise;
    }

    private void judge(List<InetSocketAddress> addresses, Promise<List<InetSocketAddress>> promise) {
        boolean permitted = !addresses.isEmpty() && addresses.stream()
                .allMatch(a -> a.getAddress() != null && policy.permitsConnection(a.getAddress(), a.getPort()));
        if (permitted) {
            promise.trySuccess(addresses);
        } else {
            promise.tryFailure(new OutboundRefusedException(Refusal.FORBIDDEN_ADDRESS));
        }
    }

    /** The delegate belongs to its own group, which closes it. */
    @Override
    public void close() {
    }
}
