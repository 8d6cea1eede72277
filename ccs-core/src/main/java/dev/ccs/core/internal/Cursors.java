package dev.ccs.core.internal;

import dev.ccs.core.error.CcsException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The text of list cursors: a tag and the fields of a list position, base64url, opaque to clients. */
public final class Cursors {

  private Cursors() {
  }

  public static String encode(String tag, Object... parts) {
    StringBuilder text = new StringBuilder(tag);
    for (Object part : parts) {
      text.append('|').append(part);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The fields of a cursor made by {@link #encode} with {@code tag} and {@code count} fields.
   *
   * @throws CcsException.InvalidRequest for anything else
   */
  public static String[] decode(String tag, int count, String text) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\|");
      if (parts.length == count + 1 && parts[0].equals(tag)) {
        return java.util.Arrays.copyOfRange(parts, 1, parts.length);
      }
    } catch (IllegalArgumentException e) {
      // Not base64: refused below.
    }
    throw invalid();
  }

  public static CcsException.InvalidRequest invalid() {
    return new CcsException.InvalidRequest("\"cursor\" is not a cursor of this list (use next_cursor as given)");
  }
}
