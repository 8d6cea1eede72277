package dev.ccs.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StderrTailTest {

  @Test
  void keepsTheEnd() {
    StderrTail tail = new StderrTail(10);
    byte[] bytes = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    tail.append(bytes, bytes.length);

    assertThat(tail.text()).isEqualTo("...6789abcdef");
  }

  @Test
  void shortOutputIsKeptWhole() {
    StderrTail tail = new StderrTail(100);
    byte[] bytes = "warning\n".getBytes(StandardCharsets.UTF_8);
    tail.append(bytes, bytes.length);

    assertThat(tail.text()).isEqualTo("warning\n");
  }
}
