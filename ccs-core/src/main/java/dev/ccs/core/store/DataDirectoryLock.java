package dev.ccs.core.store;

import dev.ccs.core.error.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data directory ({@code <dataDir>/.lock}, {@link FileChannel#lock}) held for
 * the life of the process that owns it: a second server on the same directory is refused instead
 * of corrupting it, and the operating system releases the lock when the owner dies, even by
 * {@code kill -9}.
 */
public final class DataDirectoryLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the data directory (creating it when missing) for this process.
   *
   * @throws StoreException when another process holds it, or it cannot be created
   */
  public static DataDirectoryLock acquire(Path dataDir) {
    Path file = dataDir.resolve(".lock");
    try {
      java.nio.file.Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new StoreException("cannot create " + dataDir + ": " + e.getMessage(), e);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      close(channel);
      throw new StoreException("cannot lock " + file + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      String holder = holder(file);
      close(channel);
      throw new StoreException("data directory " + dataDir + " is in use by another ccs process"
          + (holder.isEmpty() ? "" : " (pid " + holder + ")")
          + "; stop it first, or give this one another dataDir");
    }
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
    } catch (IOException e) {
      // The pid is only for the message above; the lock is what matters.
    }
    return new DataDirectoryLock(channel, lock);
  }

  private static String holder(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing to do.
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // Released when the channel closes anyway.
    }
    close(channel);
  }
}
