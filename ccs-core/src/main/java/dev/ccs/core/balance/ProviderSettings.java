package dev.ccs.core.balance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccs.core.config.ProviderConfig;
import dev.ccs.core.error.CcsException;
import dev.ccs.core.error.StoreException;
import dev.ccs.core.exec.Redactor;
import dev.ccs.core.io.AtomicFiles;
import dev.ccs.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each provider's own CLI settings (the Node server's {@code provider/<id>.json}), kept in one
 * directory of the server's data directory and given to each run on that provider with
 * {@code --settings FILE}. Nothing is linked into or written to a project directory, no user file
 * is touched, and two sessions of one project on two providers each get their own provider's file.
 * Files are written atomically and readable by the server's user only; ids are checked before any
 * path is built. Secret-looking {@code env} values are hidden when settings are read back.
 */
public final class ProviderSettings {

  /** What a hidden value reads as; written back unchanged by a PUT, it keeps the stored value. */
  public static final String HIDDEN = "*** HIDDEN ***";

  /** The largest settings object accepted (the CLI itself refuses files over 2 MiB). */
  public static final int MAX_BYTES = 256 * 1024;

  private final Path dir;
  private final boolean bypassAllowed;
  private final Set<String> present = ConcurrentHashMap.newKeySet();

  /** The settings of {@code config}'s providers: {@code dataDir/provider-settings}. */
  public static ProviderSettings of(dev.ccs.core.config.CcsConfig config) {
    return new ProviderSettings(config.dataDir().resolve("provider-settings"), config.allowDangerouslySkipPermissions());
  }

  /**
   * @param bypassAllowed whether settings may make the CLI skip permission checks
   *     ({@code allowDangerouslySkipPermissions})
   */
  public ProviderSettings(Path dir, boolean bypassAllowed) {
    this.dir = dir;
    this.bypassAllowed = bypassAllowed;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - ".json".length());
        if (ProviderConfig.validId(id)) {
          present.add(id);
        }
      }
    } catch (NoSuchFileException e) {
      // None yet.
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The file a run on provider {@code id} passes with {@code --settings}, if it has settings. */
  public Optional<Path> fileOf(String id) {
    return present.contains(id) ? Optional.of(file(id)) : Optional.empty();
  }

  public boolean exists(String id) {
    return present.contains(checked(id));
  }

  /** The provider ids with settings, sorted. */
  public List<String> list() {
    return new ArrayList<>(new TreeSet<>(present));
  }

  public Path file(String id) {
    return dir.resolve(checked(id) + ".json");
  }

  /** The settings as stored, secret-looking {@code env} values hidden. */
  public Optional<ObjectNode> get(String id) {
    return read(id).map(settings -> {
      JsonNode env = settings.get("env");
      if (env instanceof ObjectNode object) {
        object.fieldNames().forEachRemaining(name -> {
          if (Redactor.secretName(name)) {
            object.put(name, HIDDEN);
          }
        });
      }
      return settings;
    });
  }

  /**
   * Replaces the provider's settings, on disk before this returns. An {@code env} value given as
   * {@link #HIDDEN} keeps the stored one (so read, change, write back does not lose a secret).
   *
   * @throws CcsException.InvalidRequest when {@code settings} is too large or asks for a permission
   *     bypass the server's config does not allow
   */
  public synchronized Path put(String id, ObjectNode settings) {
    Path file = file(id);
    ObjectNode toStore = settings.deepCopy();
    JsonNode env = toStore.get("env");
    if (env instanceof ObjectNode object) {
      ObjectNode stored = read(id).map(s -> s.get("env")).filter(ObjectNode.class::isInstance)
          .map(ObjectNode.class::cast).orElse(null);
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (HIDDEN.equals(entry.getValue().asText(null))) {
          JsonNode kept = stored == null ? null : stored.get(entry.getKey());
          if (kept == null) {
            throw new CcsException.InvalidRequest("settings.env." + entry.getKey() + " is \"" + HIDDEN
                + "\" but no value is stored for it");
          }
          entry.setValue(kept);
        }
      }
    }
    String mode = toStore.path("permissions").path("defaultMode").asText("");
    if (mode.equals("bypassPermissions") && !bypassAllowed) {
      throw new CcsException.InvalidRequest("permission_bypass_disabled", "settings.permissions.defaultMode "
          + "\"bypassPermissions\" is disabled on this server (allowDangerouslySkipPermissions is false)");
    }
    byte[] bytes = (Json.writePretty(toStore) + "\n").getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      throw new CcsException.InvalidRequest("settings are " + bytes.length + " bytes; at most " + MAX_BYTES);
    }
    try {
      AtomicFiles.createPrivateDirectories(dir);
      AtomicFiles.write(file, bytes, true);
    } catch (IOException e) {
      throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
    }
    present.add(id);
    return file;
  }

  /** Deletes the provider's settings; false when it had none. */
  public synchronized boolean delete(String id) {
    Path file = file(id);
    try {
      boolean deleted = Files.deleteIfExists(file);
      present.remove(id);
      if (deleted) {
        AtomicFiles.forceDirectory(dir);
      }
      return deleted;
    } catch (IOException e) {
      throw new StoreException("cannot delete " + file + ": " + e.getMessage(), e);
    }
  }

  private Optional<ObjectNode> read(String id) {
    Path file = file(id);
    try {
      JsonNode node = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String checked(String id) {
    if (!ProviderConfig.validId(id)) {
      throw new CcsException.InvalidRequest("invalid_provider_id", "provider id must be 1-64 letters, digits, _ or -");
    }
    return id;
  }
}
