package dev.ccs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.testkit.PackageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of the CLI, read from its compiled classes: its packages use each other
 * one way only, and it uses ccs-core through its API (the engine and the domain), never
 * ccs-core's internal package or a storage implementation.
 */
class PackageDirectionTest {

  private static final PackageGraph GRAPH = PackageGraph.ofClasses(Path.of("target", "classes"));

  @Test
  void usesCoreThroughItsApiOnly() {
    assertThat(GRAPH.packages()).contains("dev.ccs.cli");
    assertThat(GRAPH.usersOf("dev.ccs.core.internal")).as("users of ccs-core's internal package").isEmpty();
    assertThat(GRAPH.usersOf("dev.ccs.core.store")).as("users of ccs-core's storage implementations").isEmpty();
  }

  @Test
  void hasNoPackageCycles() {
    assertThat(GRAPH.cycles()).as("packages that use each other:\n%s", GRAPH).isEmpty();
  }
}
