/**
 * The bots file every service reads: {@link io.wecomrelay.support.bots.BotsFile} holds the registry
 * of the moment and loads the file again when it changes, keeping the last good registry when a change
 * cannot be used; {@link io.wecomrelay.support.bots.BotsFileWatcher} checks it on a schedule. A service
 * declares its {@link io.wecomrelay.support.bots.BotsFileSettings} as a bean and the auto-configuration
 * wires both.
 */
@NullMarked
package io.wecomrelay.support.bots;

import org.jspecify.annotations.NullMarked;
