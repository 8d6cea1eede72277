package dev.ccs.httpd.routing;

import java.nio.charset.StandardCharsets;

/** Decodes {@code %XX} escapes of a path segment (a {@code +} stays a plus, unlike form decoding). */
final class PercentDecoding {

  private PercentDecoding() {
  }

  /**
   * Decodes a path segment that must be well-formed: every {@code %} starts an escape, the bytes
   * are UTF-8, and no character is a control character (NUL among them: no path parameter, an id,
   * a project path, can hold one).
   *
   * @throws ApiError 400 otherwise
   */
  static String decodeStrict(String segment) {
    for (int i = segment.indexOf('%'); i >= 0; i = segment.indexOf('%', i + 1)) {
      if (i + 2 >= segment.length() || hex(segment.charAt(i + 1)) < 0 || hex(segment.charAt(i + 2)) < 0) {
        throw invalid("a malformed %-escape");
      }
    }
    String decoded;
    if (segment.indexOf('%') < 0 && segment.chars().allMatch(c -> c < 0x80)) {
      decoded = segment;
    } else {
      byte[] bytes = new byte[segment.length()];
      int n = 0;
      for (int i = 0; i < segment.length(); ) {
        char c = segment.charAt(i);
        if (c == '%') {
          bytes[n++] = (byte) (hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2)));
          i += 3;
        } else if (c < 0x100) {
          // The JDK reads the request line as ISO-8859-1: a raw byte of the path is one char here.
          bytes[n++] = (byte) c;
          i++;
        } else {
          throw invalid("a character that is not a byte");
        }
      }
      try {
        decoded = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes, 0, n)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw invalid("bytes that are not UTF-8");
      }
    }
    for (int i = 0; i < decoded.length(); i++) {
      if (Character.isISOControl(decoded.charAt(i))) {
        throw invalid("a control character");
      }
    }
    return decoded;
  }

  private static ApiError invalid(String what) {
    return new ApiError(400, "invalid_path", "The request path contains " + what);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
