/**
 * The asking WeCom user's token from the company's auth service, for Dify apps that call internal tools as that
 * user ({@code identity} in the bots file): {@link io.wecomrelay.llm.identity.AuthServiceClient} asks the service
 * (allow-listed host, timeouts, bounded retries), {@link io.wecomrelay.llm.identity.TokenCache} keeps tokens in
 * Redis per (bot, user), and {@link io.wecomrelay.llm.identity.IdentityTokens} puts them together with one lookup
 * at a time per user. Tokens never reach a log line, an event or a metric.
 */
@NullMarked
package io.wecomrelay.llm.identity;

import org.jspecify.annotations.NullMarked;
