package dev.ccs.httpd.routing;

/** Handles one route: a function from request to response. Exceptions are mapped to JSON errors. */
@FunctionalInterface
public interface ApiHandler {

  ApiResponse handle(ApiRequest request);
}
