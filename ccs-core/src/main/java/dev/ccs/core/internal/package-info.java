/** Implementation details shared by ccs packages; not an API, may change without notice. */
package dev.ccs.core.internal;
