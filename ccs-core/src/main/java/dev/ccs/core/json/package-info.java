/** The JSON codec of ccs (one configured Jackson mapper), shared by the stores and the front ends. */
package dev.ccs.core.json;
