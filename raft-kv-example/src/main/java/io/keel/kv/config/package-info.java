/**
 * The configuration of one node of the key-value service, {@code keel-kv server --config FILE}:
 * {@link io.keel.kv.config.ConfigFile} reads the file into a validated
 * {@link io.keel.kv.config.KvConfig}, which code may also build with
 * {@link io.keel.kv.config.KvConfig#builder}. Every key, its default, what it allows and what it
 * means is declared once, in {@link io.keel.kv.config.ConfigKey}, from which docs/kv-config-keys.md
 * is generated. Every mistake is a {@link io.keel.kv.config.ConfigException} naming the file, line
 * and key.
 */
package io.keel.kv.config;
