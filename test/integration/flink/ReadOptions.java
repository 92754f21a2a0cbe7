// For each line `<key>\t<value>` on stdin, prints `read` or `refused` as Flink's own Configuration reads the value
// of the ConfigOption of that key (found among the *Options classes of the jar given, fallback keys included), or
// `unknown` when that Flink has no such option (it ignores the key).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.*;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;

public class ReadOptions {
  public static void main(String[] args) throws Exception {
    Map<String, ConfigOption<?>> options = new HashMap<>();
    try (JarFile file = new JarFile(args[0])) {
      for (JarEntry entry : Collections.list(file.entries())) {
        String name = entry.getName();
        if (!name.startsWith("org/apache/flink/") || !name.endsWith("Options.class") || name.contains("$")) continue;
        Class<?> holder;
        try {
          holder = Class.forName(name.replace('/', '.').replace(".class", ""));
        } catch (Throwable t) {
          continue;
        }
        for (Field field : holder.getFields()) {
          if (!Modifier.isStatic(field.getModifiers()) || !ConfigOption.class.isAssignableFrom(field.getType())) continue;
          ConfigOption<?> option = (ConfigOption<?>) field.get(null);
          options.putIfAbsent(option.key(), option);
          for (FallbackKey fallback : option.fallbackKeys()) options.putIfAbsent(fallback.getKey(), option);
        }
      }
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null; ) {
      String[] kv = line.split("\t", 2);
      ConfigOption<?> option = options.get(kv[0]);
      if (option == null) {
        System.out.println("unknown");
        continue;
      }
      Configuration conf = new Configuration();
      conf.setString(kv[0], kv[1]);
      try {
        conf.get(option);
        System.out.println("read");
      } catch (Exception e) {
        System.out.println("refused");
      }
    }
  }
}
