/**
 * Configuration: {@code config.json} (the Node server's keys and defaults, host 127.0.0.1) loaded
 * into immutable, validated records, with {@code CCS_*} environment overrides.
 */
package dev.ccs.core.config;
