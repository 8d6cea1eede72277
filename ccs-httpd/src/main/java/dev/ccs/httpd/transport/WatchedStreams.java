package dev.ccs.httpd.transport;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Request and response streams whose every blocking call runs under an {@link IoWatch}. */
public final class WatchedStreams {

  private WatchedStreams() {
  }

  public static InputStream input(InputStream in, IoWatch watch) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        watch.arm();
        try {
          return in.read();
        } finally {
          watch.disarm();
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        watch.arm();
        try {
          return in.read(b, off, len);
        } finally {
          watch.disarm();
        }
      }

      @Override
      public void close() throws IOException {
        watch.arm();
        try {
          in.close();
        } finally {
          watch.disarm();
        }
      }
    };
  }

  public static OutputStream output(OutputStream out, IoWatch watch) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        watch.arm();
        try {
          out.write(b);
        } finally {
          watch.disarm();
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        watch.arm();
        try {
          out.write(b, off, len);
        } finally {
          watch.disarm();
        }
      }

      @Override
      public void flush() throws IOException {
        watch.arm();
        try {
          out.flush();
        } finally {
          watch.disarm();
        }
      }

      @Override
      public void close() throws IOException {
        watch.arm();
        try {
          out.close();
        } finally {
          watch.disarm();
        }
      }
    };
  }
}
