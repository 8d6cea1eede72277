/**
 * The nodes sharing a storage, as one node sees them ({@link dev.ccs.core.cluster.Cluster}): who
 * runs what and where each node is reached, so that the HTTP front end forwards what another node
 * serves. Only a storage several nodes share has one.
 */
package dev.ccs.core.cluster;
