/**
 * How the tool reaches Kafka: connection and security options, time ranges turned into offsets, group-less
 * read_committed scans, and the exception that means "infrastructure" (exit code 3).
 */
@NullMarked
package io.wecomrelay.cli.kafka;

import org.jspecify.annotations.NullMarked;
