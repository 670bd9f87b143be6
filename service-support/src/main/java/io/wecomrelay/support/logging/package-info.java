/**
 * The services' console logging: {@link io.wecomrelay.support.logging.BatchingConsoleAppender} writes the lines
 * of each flush interval in one write, from one thread, so that the line every service logs per message costs the
 * thread that logs it a queue insert instead of a system call or a wake-up. A service takes it with
 * {@code <include resource="io/wecomrelay/support/logging/console.xml"/>} in its {@code logback-spring.xml}.
 */
@NullMarked
package io.wecomrelay.support.logging;

import org.jspecify.annotations.NullMarked;
