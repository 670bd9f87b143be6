/** Key-ordered concurrent consumption of wecom.accepted with safe offset commits. */
@NullMarked
package io.wecomrelay.llm.consume;

import org.jspecify.annotations.NullMarked;
