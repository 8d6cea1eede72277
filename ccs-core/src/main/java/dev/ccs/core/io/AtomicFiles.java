package dev.ccs.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file replacement: the new content goes to a temporary file in the same directory,
 * is forced to disk, and is then renamed over the target. A reader (or a process restarted after
 * {@code kill -9} or a power cut) sees either the old file or the new one, never a torn mix.
 */
public final class AtomicFiles {

  private static final boolean POSIX =
      java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private AtomicFiles() {
  }

  /** Replaces {@code target} with {@code content}, durably. */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, false);
  }

  /**
   * Replaces {@code target} with {@code content}, durably; with {@code ownerOnly} the file is
   * readable by its owner only (it holds secrets).
   */
  public static void write(Path target, byte[] content, boolean ownerOnly) throws IOException {
    replace(target, content, ownerOnly, true);
  }

  /**
   * Replaces {@code target} atomically; with {@code sync} false nothing is forced to disk. Without
   * sync the replacement survives the process being killed (the kernel has it) but not a power cut;
   * use it only for data that is also recorded durably elsewhere.
   */
  public static void replace(Path target, byte[] content, boolean ownerOnly, boolean sync) throws IOException {
    replace(target, content, ownerOnly, sync, sync);
  }

  /**
   * As {@link #replace(Path, byte[], boolean, boolean)}, with the content's sync and the directory's
   * apart: a caller replacing many files in one directory syncs each file and then the directory once.
   */
  public static void replace(Path target, byte[] content, boolean ownerOnly, boolean syncContent, boolean syncDirectory)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(
        ThreadLocalRandom.current().nextLong()) + ".tmp");
    FileAttribute<?>[] attrs = ownerOnly && POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)}
        : new FileAttribute<?>[0];
    try (FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE), attrs)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      if (syncContent) {
        channel.force(true);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw e;
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    if (syncDirectory) {
      forceDirectory(dir);
    }
  }

  /**
   * Makes a rename or a file creation in {@code dir} durable. Linux needs an fsync of the directory
   * for that; where a directory cannot be opened for it (other systems) this is a no-op.
   */
  public static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not supported on this platform: the rename is as durable as the platform makes it.
    }
  }

  /** Creates {@code dir} (and parents) if missing, readable by its owner only where supported. */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      if (POSIX) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_RWX));
      } else {
        Files.createDirectories(dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");
}
