package dev.ccs.httpd.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses {@code a=1&b=two}; the first value of a repeated name wins. */
final class QueryString {

  private QueryString() {
  }

  static Map<String, String> parse(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String decode(String text) {
    String decoded;
    try {
      decoded = URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "invalid_request", "Malformed query string");
    }
    if (decoded.indexOf('\0') >= 0) {
      throw new ApiError(400, "invalid_request", "The query string contains a NUL character");
    }
    return decoded;
  }
}
