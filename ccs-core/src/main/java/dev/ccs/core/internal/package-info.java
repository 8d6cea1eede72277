/** Implementation details of ccs-core's packages; not an API, and no other module uses it. */
package dev.ccs.core.internal;
