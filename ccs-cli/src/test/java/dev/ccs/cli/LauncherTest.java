package dev.ccs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code bin/ccs} launcher, run as an operator runs it (through a symlink on the PATH), on a
 * jar whose manifest names this build's classes (the runnable jar is packaged after the tests).
 */
class LauncherTest {

  @TempDir
  Path temp;

  @Test
  void theLauncherRunsTheJarThroughASymlinkAndPassesArgumentsAndExitCodes() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("README.md"))) {
      root = root.getParent();
    }
    Path jar = temp.resolve("ccs-cli.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    StringBuilder classPath = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classPath.append(Path.of(entry).toUri()).append(' ');
    }
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().trim());
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // The manifest is the whole jar.
    }
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("ccs"), root.resolve("bin").resolve("ccs"));

    Result version = run(bin.resolve("ccs"), jar, "--version");
    assertThat(version.code()).isZero();
    assertThat(version.output()).startsWith("ccs ");
    Result notRunning = run(bin.resolve("ccs"), jar, "--config", temp.resolve("config.json").toString(), "status");
    assertThat(notRunning.code()).isEqualTo(3);
    assertThat(notRunning.output()).contains("server:  not running");
    Result usage = run(bin.resolve("ccs"), jar, "--config", temp.resolve("config.json").toString(), "frobnicate");
    assertThat(usage.code()).isEqualTo(2);
    Result missing = run(bin.resolve("ccs"), temp.resolve("nothing.jar"), "--version");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.output()).contains("nothing.jar is missing; build it first");
  }

  private record Result(int code, String output) {
  }

  private static Result run(Path launcher, Path jar, String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(launcher.toString()));
    command.addAll(java.util.List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CCS_JAR", jar.toString());
    builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    builder.environment().put("HOME", jar.getParent().toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
