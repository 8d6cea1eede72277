package dev.ccs.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.testkit.PackageGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dependency direction of ccs-core, read from its compiled classes: packages use each other
 * one way only, and the domain (sessions, tasks, webhooks, runs) declares the stores it needs
 * beside its records while only the engine's wiring ({@code dev.ccs.core.Ccs}) picks the
 * implementations in {@code store}.
 */
class PackageDirectionTest {

  private static final PackageGraph CORE = PackageGraph.ofClasses(Path.of("target", "classes"));

  @Test
  void corePackagesHaveNoCycles() {
    assertThat(CORE.packages()).contains("dev.ccs.core.session", "dev.ccs.core.store", "dev.ccs.core.task");
    assertThat(CORE.cycles()).as("packages that use each other:\n%s", CORE).isEmpty();
  }

  @Test
  void onlyTheEngineChoosesAStorageImplementation() {
    assertThat(CORE.usersOf("dev.ccs.core.store")).as("users of dev.ccs.core.store").containsOnly("dev.ccs.core");
  }

  @Test
  void theCheckFindsACycleWhenOneIsIntroduced(@TempDir Path temp) throws Exception {
    Path sources = temp.resolve("src");
    Files.createDirectories(sources.resolve("dev/ccs/core/session"));
    Files.createDirectories(sources.resolve("dev/ccs/core/store"));
    Files.writeString(sources.resolve("dev/ccs/core/session/Manager.java"),
        "package dev.ccs.core.session; public class Manager { dev.ccs.core.store.Files files; }");
    Files.writeString(sources.resolve("dev/ccs/core/store/Files.java"),
        "package dev.ccs.core.store; public class Files { java.util.List<dev.ccs.core.session.Manager> users; }");
    Path classes = Files.createDirectories(temp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int exit = javac.run(null, null, null, "-d", classes.toString(),
        sources.resolve("dev/ccs/core/session/Manager.java").toString(),
        sources.resolve("dev/ccs/core/store/Files.java").toString());
    assertThat(exit).isZero();

    PackageGraph graph = PackageGraph.ofClasses(classes);

    assertThat(graph.cycles()).containsExactly(Set.of("dev.ccs.core.session", "dev.ccs.core.store"));
    assertThat(graph.usersOf("dev.ccs.core.store")).containsExactly("dev.ccs.core.session");
  }

  @Test
  void aGraphThatPointsOneWayHasNoCycle() {
    PackageGraph graph = PackageGraph.of(java.util.Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of()));
    assertThat(graph.cycles()).isEmpty();
    PackageGraph circle = PackageGraph.of(java.util.Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"),
        "d", Set.of("a")));
    assertThat(circle.cycles()).isEqualTo(List.of(Set.of("a", "b", "c")));
  }
}
