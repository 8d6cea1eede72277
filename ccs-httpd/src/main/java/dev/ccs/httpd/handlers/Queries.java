package dev.ccs.httpd.handlers;

import dev.ccs.core.error.CcsException;
import dev.ccs.httpd.routing.ApiRequest;
import java.util.Set;
import java.util.UUID;

/** Query-string and path parameters, validated with the same kind of messages as bodies. */
final class Queries {

  private Queries() {
  }

  static UUID sessionId(ApiRequest request) {
    return uuid(request.pathParam("id"), "session id");
  }

  static UUID uuid(String value, String what) {
    try {
      UUID id = UUID.fromString(value);
      if (!id.toString().equalsIgnoreCase(value)) {
        throw new IllegalArgumentException();
      }
      return id;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new CcsException.InvalidRequest("Invalid " + what + ": must be a UUID");
    }
  }

  static int limit(ApiRequest request, int defaultValue, int max) {
    String value = request.query().get("limit");
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new CcsException.InvalidRequest("limit must be between 1 and " + max);
  }

  /**
   * A list endpoint's page size: {@code limit}, or when absent all of them up to {@code max} (as the
   * Node server listed them all). Ask the store for one more to learn whether the list goes on.
   */
  static int pageSize(ApiRequest request, int max) {
    return limit(request, max, max);
  }

  /** The first {@code size} of {@code items} (which holds at most one more). */
  static <T> java.util.List<T> page(java.util.List<T> items, int size) {
    return items.size() > size ? items.subList(0, size) : items;
  }

  static void onlyKnown(ApiRequest request, Set<String> known) {
    for (String name : request.query().keySet()) {
      if (!known.contains(name)) {
        throw new CcsException.InvalidRequest("\"" + name + "\" is not allowed");
      }
    }
  }
}
