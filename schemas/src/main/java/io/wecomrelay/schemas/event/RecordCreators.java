package io.wecomrelay.schemas.event;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.SettableBeanProperty;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.bean.PropertyValueBuffer;
import tools.jackson.databind.introspect.AnnotatedConstructor;

/**
 * Calls the constructors of this package's records through a method handle that takes the argument
 * array as is. Jackson 3.1 calls them with {@code MethodHandle.invokeWithArguments}, which adapts
 * the handle to the array anew on every call: a fifth of the time to read a
 * {@code message-received.v1} on JDK 17 (JFR, processor replay profile). Which constructor, which
 * arguments, their defaults and every error stay Jackson's; only the final call differs.
 */
final class RecordCreators extends ValueInstantiators.Base {

    private static final MethodType ARRAY_TO_OBJECT = MethodType.methodType(Object.class, Object[].class);

    @Override
    public ValueInstantiator modifyValueInstantiator(DeserializationConfig config, BeanDescription.Supplier bean,
                                                     ValueInstantiator instantiator) {
        Class<?> type = bean.getBeanClass();
        if (!type.isRecord() || type.getPackage() != RecordCreators.class.getPackage()
                || !instantiator.canCreateFromObjectWith()
                || !(instantiator.getWithArgsCreator() instanceof AnnotatedConstructor creator)) {
            return instantiator;
        }
        Constructor<?> constructor = creator.getAnnotated();
        try {
            MethodHandle handle = MethodHandles.lookup().unreflectConstructor(constructor)
                    .asSpreader(Object[].class, constructor.getParameterCount())
                    .asType(ARRAY_TO_OBJECT);
            return new Spreading(instantiator, handle);
        } catch (IllegalAccessException e) {
            return instantiator;
        }
    }

    private static final class Spreading extends ValueInstantiator.Delegating {

        private static final long serialVersionUID = 1L;

        private final transient MethodHandle creator;

        Spreading(ValueInstantiator delegate, MethodHandle creator) {
            super(delegate);
            this.creator = creator;
        }

        @Override
        public ValueInstantiator createContextual(DeserializationContext context, BeanDescription.Supplier bean) {
            ValueInstantiator contextual = delegate().createContextual(context, bean);
            return contextual == delegate() ? this : new Spreading(contextual, creator);
        }

        @Override
        public Object createFromObjectWith(DeserializationContext context, SettableBeanProperty[] properties,
                                           PropertyValueBuffer buffer) throws JacksonException {
            return createFromObjectWith(context, buffer.getParameters(context, properties));
        }

        @Override
        public Object createFromObjectWith(DeserializationContext context, Object[] arguments) throws JacksonException {
            try {
                return (Object) creator.invokeExact(arguments);
            } catch (RuntimeException e) {
                // as Jackson's own instantiator does, e.g. for a record's requireNonNull
                return context.handleInstantiationProblem(getValueClass(), arguments,
                        context.instantiationException(getValueClass(), e));
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                throw context.instantiationException(getValueClass(), e);
            }
        }
    }
}
