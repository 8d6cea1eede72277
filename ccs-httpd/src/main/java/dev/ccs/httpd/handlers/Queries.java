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

  /**
   * What follows a page: {@code has_more}, and {@code next_cursor} (the {@code cursor} of the next
   * page, made from the page's last item) when there is more, else null.
   */
  static <T> com.fasterxml.jackson.databind.node.ObjectNode pageEnd(java.util.List<T> items, int size,
      java.util.function.Function<T, String> cursorAfter) {
    boolean more = items.size() > size;
    com.fasterxml.jackson.databind.node.ObjectNode end = dev.ccs.core.json.Json.object();
    end.put("has_more", more);
    end.put("next_cursor", more ? cursorAfter.apply(items.get(size - 1)) : null);
    return end;
  }

  static void onlyKnown(ApiRequest request, Set<String> known) {
    for (String name : request.query().keySet()) {
      if (!known.contains(name)) {
        throw new CcsException.InvalidRequest("\"" + name + "\" is not allowed");
      }
    }
  }
}
