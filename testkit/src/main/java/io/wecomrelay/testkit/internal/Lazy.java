package io.wecomrelay.testkit.internal;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/** A value computed once, on first use, by whichever thread asks first. */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> factory;
    private volatile @Nullable T value;

    public Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T result = value;
        if (result == null) {
            synchronized (this) {
                result = value;
                if (result == null) {
                    result = factory.get();
                    value = result;
                }
            }
        }
        return result;
    }
}
