package dev.ccs.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccs.core.Ccs;
import dev.ccs.core.config.CcsConfig;
import dev.ccs.core.config.StoreConfig;
import dev.ccs.core.config.TaskQueueConfig;
import dev.ccs.core.session.Session;
import dev.ccs.core.task.NewTask;
import dev.ccs.core.task.Task;
import dev.ccs.core.task.TaskStatus;
import dev.ccs.testkit.ShellClaude;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines in one JVM sharing one PostgreSQL (the cluster test with three server JVMs and a
 * kill -9 is ccs-httpd's ClusterTest): the queue is the database's, each task runs once, one turn at
 * a time per session across nodes, a cancel on one node ends the run on the other, and a global cap
 * holds across nodes.
 */
@Timeout(180)
class SharedQueueTest {

  @TempDir
  Path temp;

  private Ccs node(String url, String id, Path claude, int concurrency, Integer globalCap) {
    return node(url, id, claude, concurrency, globalCap, dev.ccs.core.config.WebhookConfig.DEFAULT);
  }

  private Ccs node(String url, String id, Path claude, int concurrency, Integer globalCap,
      dev.ccs.core.config.WebhookConfig webhook) {
    CcsConfig config = CcsConfig.defaults(temp.resolve(id)).toBuilder().claudePath(claude.toString()).webhook(webhook)
        .workspacePath(temp.resolve("workspace"))
        .taskQueue(new TaskQueueConfig(concurrency, Duration.ofMinutes(5), 0, Duration.ofSeconds(1), true))
        .store(new StoreConfig("postgres", url, null, null, 8, id, Duration.ofSeconds(3), globalCap, null)).build();
    return Ccs.builder(config).environment(Map.of("PATH", System.getenv("PATH"))).build();
  }

  /** The fake, as a node runs it: its process ids are written down first (exec keeps them), to tell the nodes apart. */
  private Path perNode(ShellClaude fake, String node) throws java.io.IOException {
    Path wrapper = temp.resolve("claude-" + node);
    java.nio.file.Files.writeString(wrapper, "#!/bin/sh\necho $$ >> '" + temp.resolve(node + ".pids") + "'\nexec '"
        + fake.executable() + "' \"$@\"\n");
    wrapper.toFile().setExecutable(true);
    return wrapper;
  }

  private java.util.Set<Long> pids(String node) throws java.io.IOException {
    return java.nio.file.Files.readAllLines(temp.resolve(node + ".pids")).stream().map(Long::parseLong)
        .collect(Collectors.toSet());
  }

  @Test
  void tasksSubmittedToEitherNodeRunOnceEachAndBothNodesWork() throws Exception {
    String url = PgServer.newDatabase();
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 20, 0);
    try (Ccs a = node(url, "node-a", perNode(fake, "a"), 3, null);
         Ccs b = node(url, "node-b", perNode(fake, "b"), 3, null)) {
      List<Task> submitted = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        Ccs to = i % 2 == 0 ? a : b;
        submitted.add(to.tasks().submit(NewTask.of("task " + i, 1 + i % 10), null).task());
      }
      for (int i = 0; i < submitted.size(); i++) {
        // Awaited on the other node than the one it was submitted to: the end is heard across nodes.
        Ccs other = i % 2 == 0 ? b : a;
        Task done = other.tasks().completion(submitted.get(i).id()).get(120, TimeUnit.SECONDS);
        assertThat(done.status()).as("task %s", done.id()).isEqualTo(TaskStatus.COMPLETED);
      }
      assertThat(a.tasks().status().counts()).containsEntry(TaskStatus.COMPLETED, 300);
    }
    List<ShellClaude.Run> runs = fake.runs();
    assertThat(runs).hasSize(300);
    assertThat(runs.stream().map(ShellClaude.Run::sessionId).collect(Collectors.toSet())).hasSize(300);
    assertThat(fake.overlaps()).isEmpty();
    assertThat(fake.maxRunningAtOnce()).isLessThanOrEqualTo(6);
    java.util.Set<Long> pidsA = pids("a");
    java.util.Set<Long> pidsB = pids("b");
    long onA = runs.stream().filter(run -> pidsA.contains(run.pid())).count();
    long onB = runs.stream().filter(run -> pidsB.contains(run.pid())).count();
    assertThat(onA + onB).isEqualTo(300);
    assertThat(onA).as("runs on node a").isGreaterThan(30);
    assertThat(onB).as("runs on node b").isGreaterThan(30);
  }

  @Test
  void oneSessionsTasksOnTwoNodesNeverRunAtOnce() throws Exception {
    String url = PgServer.newDatabase();
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    try (Ccs a = node(url, "node-a", fake.executable(), 3, null);
         Ccs b = node(url, "node-b", fake.executable(), 3, null)) {
      Session session = a.sessions().create(null, null, null, null);
      List<Task> submitted = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        Ccs to = i % 2 == 0 ? a : b;
        submitted.add(to.tasks().submit(NewTask.builder("wait:50").sessionId(session.id()).build(), null).task());
      }
      for (Task task : submitted) {
        assertThat(a.tasks().completion(task.id()).get(60, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
      }
      assertThat(a.sessions().get(session.id()).messagesCount()).isEqualTo(12);
    }
    assertThat(fake.runs()).hasSize(12);
    assertThat(fake.overlaps()).isEmpty();
  }

  @Test
  void aCancelOnOneNodeEndsTheRunOnTheOther() throws Exception {
    String url = PgServer.newDatabase();
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    try (Ccs a = node(url, "node-a", fake.executable(), 1, null);
         Ccs b = node(url, "node-b", fake.executable(), 1, null)) {
      b.tasks().close(); // only node a runs tasks
      Task slow = a.tasks().submit(NewTask.of("wait:60000", 5), null).task();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (fake.runs().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(fake.runs()).hasSize(1);
      Task cancelled = b.tasks().cancel(slow.id());
      assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(a.tasks().completion(slow.id()).get(20, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.CANCELLED);
      while (fake.runs().get(0).endLine() < 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(fake.runs().get(0).terminated()).as("the run on node a was ended").isTrue();
    }
  }

  @Test
  void aGlobalCapHoldsAcrossNodes() throws Exception {
    String url = PgServer.newDatabase();
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    try (Ccs a = node(url, "node-a", fake.executable(), 3, 2);
         Ccs b = node(url, "node-b", fake.executable(), 3, 2)) {
      List<Task> submitted = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        submitted.add((i % 2 == 0 ? a : b).tasks().submit(NewTask.of("wait:100", 5), null).task());
      }
      for (Task task : submitted) {
        assertThat(a.tasks().completion(task.id()).get(60, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
      }
    }
    assertThat(fake.runs()).hasSize(20);
    assertThat(fake.maxRunningAtOnce()).isEqualTo(2);
  }

  @Test
  void anIdempotencyKeyNamesOneTaskWhicheverNodesItReaches() throws Exception {
    String url = PgServer.newDatabase();
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    try (Ccs a = node(url, "node-a", fake.executable(), 1, null);
         Ccs b = node(url, "node-b", fake.executable(), 1, null)) {
      for (int round = 0; round < 20; round++) {
        String key = "key-" + round;
        NewTask request = NewTask.of("same " + round, 5);
        java.util.concurrent.CompletableFuture<dev.ccs.core.task.TaskQueue.Submitted> onA =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> a.tasks().submit(request, key));
        java.util.concurrent.CompletableFuture<dev.ccs.core.task.TaskQueue.Submitted> onB =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> b.tasks().submit(request, key));
        var first = onA.get(20, TimeUnit.SECONDS);
        var second = onB.get(20, TimeUnit.SECONDS);
        assertThat(first.task().id()).isEqualTo(second.task().id());
        assertThat(first.created() ^ second.created()).as("one of the two created it").isTrue();
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.tasks().submit(NewTask.of("another", 5), "key-0"))
          .isInstanceOf(dev.ccs.core.error.CcsException.Conflict.class).hasMessageContaining("key-0");
      assertThat(a.tasks().status().total()).isEqualTo(20);
      // No session was left behind by the refused submissions.
      assertThat(a.storage().sessions().size()).isEqualTo(20);
    }
  }

  @Test
  void aDeadNodesPendingWebhooksAreDeliveredByAnotherNode() throws Exception {
    String url = PgServer.newDatabase();
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    var webhook = new dev.ccs.core.config.WebhookConfig(false, null, Duration.ofSeconds(2), 10, null, true);
    try (dev.ccs.testkit.WebhookReceiver receiver = dev.ccs.testkit.WebhookReceiver.start()) {
      // Down for a while: node a's attempts fail, and node a goes before one succeeds.
      receiver.answer(503, 503, 503, 503, 503, 503);
      Task task;
      try (Ccs a = node(url, "node-a", fake.executable(), 1, null, webhook)) {
        task = a.tasks().submit(NewTask.builder("hi").webhookUrl(receiver.url("/hook")).build(), null).task();
        assertThat(a.tasks().completion(task.id()).get(20, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
        receiver.take();
      }
      int before = receiver.received().size();
      try (Ccs b = node(url, "node-b", fake.executable(), 1, null, webhook)) {
        // Node a's heartbeat is two leases (6 s) old soon; node b's poll then takes its deliveries over.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (b.webhooks().deliveriesOf(task.id()).stream()
            .anyMatch(d -> d.status() == dev.ccs.core.webhook.DeliveryStatus.PENDING) && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(b.webhooks().deliveriesOf(task.id())).isNotEmpty()
            .allMatch(d -> d.status() == dev.ccs.core.webhook.DeliveryStatus.DELIVERED);
      }
      assertThat(receiver.received().size()).isGreaterThan(before);
      // Each event reached the receiver with a 2xx once.
      assertThat(receiver.received().stream().map(r -> r.header("x-ccs-event")).collect(Collectors.toSet()))
          .contains("task.completed");
    }
  }

  @Test
  void aNodeThatCannotReachTheDatabaseSaysSoClaimsNothingAndCarriesOnWhenItIsBack() throws Exception {
    String url = PgServer.newDatabase();
    String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
    ShellClaude fake = ShellClaude.create(temp.resolve("fake"), 0, 0);
    try (Ccs a = node(url, "node-a", fake.executable(), 1, null);
         java.sql.Connection admin = java.sql.DriverManager.getConnection(PgServer.shared().url("postgres"))) {
      assertThat(a.cluster().orElseThrow().reachable()).isTrue();
      Task before = a.tasks().submit(NewTask.of("before", 5), null).task();
      assertThat(a.tasks().completion(before.id()).get(20, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);

      // The database goes away for this node: no new connection, the open ones ended.
      admin.createStatement().execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
      admin.createStatement().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
          + database + "'");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (a.cluster().orElseThrow().reachable() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(a.cluster().orElseThrow().reachable()).as("reported unreachable after a heartbeat").isFalse();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.tasks().submit(NewTask.of("during", 5), null))
          .isInstanceOf(dev.ccs.core.error.StoreException.class);
      int runs = fake.runs().size();

      admin.createStatement().execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
      while (!a.cluster().orElseThrow().reachable() && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(20)) {
        Thread.sleep(50);
      }
      assertThat(a.cluster().orElseThrow().reachable()).as("reachable again").isTrue();
      assertThat(fake.runs()).as("nothing ran while the database was away").hasSize(runs);
      Task after = a.tasks().submit(NewTask.of("after", 5), null).task();
      assertThat(a.tasks().completion(after.id()).get(20, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }
}
