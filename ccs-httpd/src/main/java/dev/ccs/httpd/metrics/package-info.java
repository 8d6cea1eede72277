/** Prometheus metrics: the text exposition format and what ccs exposes in it. */
package dev.ccs.httpd.metrics;
