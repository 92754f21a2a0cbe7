// Prints, as JSON, every ConfigOption of the Flink jars on the class path whose value type flink-deploy checks:
// { "<key>": "boolean" | "int" | "long" | "duration" | "memory" | ["<enum value>", ...] }, deprecated and
// fallback keys included. Run by scripts/flink-options/generate.sh with Flink's own jars.
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.*;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

public class ListOptions {
  public static void main(String[] args) throws Exception {
    Class<?> optionClass = Class.forName("org.apache.flink.configuration.ConfigOption");
    Method getClazz = optionClass.getDeclaredMethod("getClazz");
    getClazz.setAccessible(true);
    Method isList = optionClass.getDeclaredMethod("isList");
    isList.setAccessible(true);
    Method key = optionClass.getMethod("key");
    Method fallbackKeys = optionClass.getMethod("fallbackKeys");
    Map<String, String> types = new TreeMap<>();
    Set<String> conflicting = new TreeSet<>();
    for (String jar : args) {
      try (JarFile file = new JarFile(jar)) {
        for (JarEntry entry : Collections.list(file.entries())) {
          String name = entry.getName();
          if (!name.startsWith("org/apache/flink/") || !name.endsWith("Options.class") || name.contains("$")) continue;
          Class<?> holder;
          try {
            holder = Class.forName(name.replace('/', '.').replace(".class", ""), true, ListOptions.class.getClassLoader());
          } catch (Throwable t) {
            continue;
          }
          for (Field field : holder.getFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || !optionClass.isAssignableFrom(field.getType())) continue;
            Object option = field.get(null);
            if ((Boolean) isList.invoke(option)) continue;
            String type = typeOf((Class<?>) getClazz.invoke(option));
            if (type == null) continue;
            List<String> keys = new ArrayList<>();
            keys.add((String) key.invoke(option));
            for (Object fallback : (Iterable<?>) fallbackKeys.invoke(option))
              keys.add((String) fallback.getClass().getMethod("getKey").invoke(fallback));
            for (String k : keys) {
              String before = types.putIfAbsent(k, type);
              if (before != null && !before.equals(type)) conflicting.add(k);
            }
          }
        }
      }
    }
    for (String k : conflicting) types.remove(k);
    StringBuilder out = new StringBuilder("{\n");
    Iterator<Map.Entry<String, String>> it = types.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, String> e = it.next();
      out.append("  ").append(quote(e.getKey())).append(": ").append(e.getValue()).append(it.hasNext() ? ",\n" : "\n");
    }
    System.out.print(out.append("}\n"));
  }

  static String typeOf(Class<?> clazz) {
    if (clazz == Boolean.class) return quote("boolean");
    if (clazz == Integer.class) return quote("int");
    if (clazz == Long.class) return quote("long");
    if (clazz.getName().equals("java.time.Duration")) return quote("duration");
    if (clazz.getName().equals("org.apache.flink.configuration.MemorySize")) return quote("memory");
    if (clazz.isEnum()) {
      StringJoiner values = new StringJoiner(", ", "[", "]");
      for (Object constant : clazz.getEnumConstants()) values.add(quote(constant.toString()));
      return values.toString();
    }
    return null;
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
