package dev.ccs.httpd.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log file that never grows past {@code maxBytes}: when a line would take it past, it becomes
 * {@code name.1} (the older ones move up, the one past {@code maxFiles - 1} is deleted) and a new
 * file is started. At most {@code maxFiles} files exist. Lines are written whole and flushed; only a
 * durable file (the audit log) forces each line to disk, since a log is not worth a disk flush per
 * request. Thread-safe.
 */
final class RotatingFile {

  private final Path file;
  private final long maxBytes;
  private final int maxFiles;
  private final boolean durable;
  private FileChannel out;
  private long size;

  RotatingFile(Path file, long maxBytes, int maxFiles) throws IOException {
    this(file, maxBytes, maxFiles, false);
  }

  RotatingFile(Path file, long maxBytes, int maxFiles, boolean durable) throws IOException {
    this.file = file.toAbsolutePath();
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    this.durable = durable;
    Files.createDirectories(this.file.getParent());
    open();
  }

  private void open() throws IOException {
    out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = out.size();
  }

  /** Writes {@code lines} with as few system calls as the rotation allows (one per file they land in). */
  synchronized void writeAll(java.util.List<String> lines) throws IOException {
    java.io.ByteArrayOutputStream chunk = new java.io.ByteArrayOutputStream();
    for (String line : lines) {
      byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
      if (size + chunk.size() > 0 && size + chunk.size() + bytes.length > maxBytes) {
        append(chunk.toByteArray());
        chunk.reset();
        if (size > 0) {
          rotate();
        }
      }
      chunk.write(bytes);
    }
    append(chunk.toByteArray());
  }

  private void append(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
    if (durable && bytes.length > 0) {
      out.force(false);
    }
    size += bytes.length;
  }

  synchronized void write(String line) throws IOException {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    if (size > 0 && size + bytes.length > maxBytes) {
      rotate();
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
    if (durable) {
      out.force(false);
    }
    size += bytes.length;
  }

  private void rotate() throws IOException {
    out.close();
    if (maxFiles == 1) {
      Files.delete(file);
    } else {
      Files.deleteIfExists(numbered(maxFiles - 1));
      for (int i = maxFiles - 2; i >= 1; i--) {
        if (Files.exists(numbered(i))) {
          Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
  }

  private Path numbered(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  synchronized void close() throws IOException {
    out.close();
  }
}
