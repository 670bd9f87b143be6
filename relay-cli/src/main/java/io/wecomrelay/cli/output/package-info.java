/** What the tool prints: tables and Markdown for people, JSON lines for machines. */
@NullMarked
package io.wecomrelay.cli.output;

import org.jspecify.annotations.NullMarked;
