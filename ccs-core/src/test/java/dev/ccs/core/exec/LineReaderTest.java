package dev.ccs.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static List<String> lines(byte[] input, int max) throws IOException {
    LineReader reader = new LineReader(new ByteArrayInputStream(input), max);
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = reader.readLine()) != null) {
      lines.add(line);
    }
    return lines;
  }

  @Test
  void splitsOnLineFeedsAndDropsCarriageReturns() throws IOException {
    assertThat(lines("a\nb\r\n\nlast".getBytes(StandardCharsets.UTF_8), 1 << 20)).containsExactly("a", "b", "", "last");
  }

  @Test
  void multiByteCharactersSplitAcrossReadsDecodeWhole() throws IOException {
    byte[] text = "héllo 🙂 wörld\n".getBytes(StandardCharsets.UTF_8);
    // One byte per read: every multi-byte character is split between reads.
    InputStream trickle = new InputStream() {
      int position;

      @Override
      public int read() {
        return position < text.length ? text[position++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= text.length) {
          return -1;
        }
        b[off] = text[position++];
        return 1;
      }
    };
    LineReader reader = new LineReader(trickle, 1 << 20);
    assertThat(reader.readLine()).isEqualTo("héllo 🙂 wörld");
    assertThat(reader.readLine()).isNull();
  }

  @Test
  void linesOfSeveralMegabytesStayWhole() throws IOException {
    String big = "x".repeat(5_000_000);
    assertThat(lines((big + "\nok\n").getBytes(StandardCharsets.UTF_8), 64 << 20)).containsExactly(big, "ok");
  }

  @Test
  void aRunawayLineIsCutAtTheLimitAndReadingGoesOn() throws IOException {
    byte[] input = ("y".repeat(200_000) + "\nnext\n").getBytes(StandardCharsets.UTF_8);
    LineReader reader = new LineReader(new ByteArrayInputStream(input), 65_536);

    assertThat(reader.readLine()).hasSize(65_536);
    assertThat(reader.readLine()).isEqualTo("next");
    assertThat(reader.truncatedLines()).isEqualTo(1);
  }
}
