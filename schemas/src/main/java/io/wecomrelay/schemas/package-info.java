/**
 * The contract shared by every wecom-relay service: events, topics, serde, bot registry and the
 * WeCom wire codec. Plain Java and Jackson; no Spring.
 */
@NullMarked
package io.wecomrelay.schemas;

import org.jspecify.annotations.NullMarked;
