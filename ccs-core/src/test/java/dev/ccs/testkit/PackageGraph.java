package dev.ccs.testkit;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which package uses which, read from compiled classes: every class, field type, method signature
 * and generic signature a class file names is in its constant pool, so this sees what imports show
 * and also fully qualified names and same-named classes that imports hide. Tests use it to keep the
 * dependency direction (no cycles; the domain never uses the storage implementations).
 */
public final class PackageGraph {

  /** A type name in a constant: {@code dev/ccs/core/session/Session} or {@code Ldev/ccs/...;}. */
  private static final Pattern TYPE = Pattern.compile("(dev/ccs(?:/[a-z_][a-z0-9_]*)*)/[A-Z]");

  private final Map<String, Set<String>> uses;

  private PackageGraph(Map<String, Set<String>> uses) {
    this.uses = uses;
  }

  /** The packages of the classes under {@code classes} and the {@code dev.ccs} packages they use. */
  public static PackageGraph ofClasses(Path classes) {
    Map<String, Set<String>> uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String relative = classes.relativize(file.getParent()).toString().replace(file.getFileSystem()
            .getSeparator(), ".");
        if (file.getFileName().toString().equals("module-info.class")) {
          continue;
        }
        Set<String> used = uses.computeIfAbsent(relative, p -> new TreeSet<>());
        for (String constant : utf8Constants(file)) {
          Matcher m = TYPE.matcher(constant);
          while (m.find()) {
            String pkg = m.group(1).replace('/', '.');
            if (!pkg.equals(relative)) {
              used.add(pkg);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PackageGraph(uses);
  }

  /** A graph given directly (for testing the checks themselves). */
  public static PackageGraph of(Map<String, Set<String>> uses) {
    Map<String, Set<String>> copy = new TreeMap<>();
    uses.forEach((pkg, used) -> copy.put(pkg, new TreeSet<>(used)));
    return new PackageGraph(copy);
  }

  public Set<String> packages() {
    return uses.keySet();
  }

  /** The packages {@code pkg} uses (other than itself). */
  public Set<String> usedBy(String pkg) {
    return uses.getOrDefault(pkg, Set.of());
  }

  /** The packages of this graph that use {@code pkg}. */
  public Set<String> usersOf(String pkg) {
    Set<String> users = new TreeSet<>();
    uses.forEach((user, used) -> {
      if (used.contains(pkg)) {
        users.add(user);
      }
    });
    return users;
  }

  /**
   * Every group of packages that use each other in a circle (Tarjan's strongly connected
   * components of more than one package), each sorted; empty when the dependencies point one way.
   */
  public List<Set<String>> cycles() {
    return new Tarjan().run();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    uses.forEach((pkg, used) -> text.append(pkg).append(" -> ").append(used).append('\n'));
    return text.toString();
  }

  private final class Tarjan {
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new TreeSet<>();
    private final List<Set<String>> components = new ArrayList<>();
    private int next;

    List<Set<String>> run() {
      for (String pkg : uses.keySet()) {
        if (!index.containsKey(pkg)) {
          visit(pkg);
        }
      }
      return components;
    }

    private void visit(String pkg) {
      index.put(pkg, next);
      low.put(pkg, next);
      next++;
      stack.push(pkg);
      onStack.add(pkg);
      for (String used : usedBy(pkg)) {
        if (!uses.containsKey(used)) {
          continue; // another module's package: it cannot use this one back
        }
        if (!index.containsKey(used)) {
          visit(used);
          low.put(pkg, Math.min(low.get(pkg), low.get(used)));
        } else if (onStack.contains(used)) {
          low.put(pkg, Math.min(low.get(pkg), index.get(used)));
        }
      }
      if (low.get(pkg).equals(index.get(pkg))) {
        Set<String> component = new TreeSet<>();
        String member;
        do {
          member = stack.pop();
          onStack.remove(member);
          component.add(member);
        } while (!member.equals(pkg));
        if (component.size() > 1) {
          components.add(component);
        }
      }
    }
  }

  /** The UTF-8 constants of a class file: names, descriptors, signatures and string literals. */
  private static List<String> utf8Constants(Path classFile) throws IOException {
    List<String> constants = new ArrayList<>();
    try (InputStream in = Files.newInputStream(classFile);
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in))) {
      if (data.readInt() != 0xCAFEBABE) {
        throw new IOException(classFile + " is not a class file");
      }
      data.readUnsignedShort(); // minor version
      data.readUnsignedShort(); // major version
      int count = data.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = data.readUnsignedByte();
        switch (tag) {
          case 1 -> constants.add(data.readUTF());
          case 3, 4, 9, 10, 11, 12, 17, 18 -> data.skipNBytes(4);
          case 5, 6 -> {
            data.skipNBytes(8);
            i++; // a long or double takes two entries
          }
          case 7, 8, 16, 19, 20 -> data.skipNBytes(2);
          case 15 -> data.skipNBytes(3);
          default -> throw new IOException("unknown constant tag " + tag + " in " + classFile);
        }
      }
    }
    return constants;
  }
}
