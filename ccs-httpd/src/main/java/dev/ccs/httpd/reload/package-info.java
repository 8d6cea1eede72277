/** Hot reload of the config file ({@link ConfigReloader}). */
package dev.ccs.httpd.reload;
