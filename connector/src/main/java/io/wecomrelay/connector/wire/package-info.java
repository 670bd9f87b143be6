/** The long connection's JSON frames (protocol reference §6): what the connector sends and how it reads what arrives. */
@NullMarked
package io.wecomrelay.connector.wire;

import org.jspecify.annotations.NullMarked;
