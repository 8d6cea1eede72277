/**
 * The API's description: an OpenAPI 3 document built from the route table ({@link OpenApiDocument})
 * and Swagger UI served from the jar ({@link DocsHandler}).
 */
package dev.ccs.httpd.docs;
