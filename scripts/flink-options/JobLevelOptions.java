// Of the option keys on stdin (one a line), prints those a job reads from its own configuration as a session cluster
// runs it: a jar run (POST /jars/:id/run) builds the job's environment from the cluster's configuration and the
// request's flinkConfiguration, and its job graph from that. A key whose value no type reads ('§') fails that build
// when the job reads it; any other key the job ignores (the cluster's own options: memory, heartbeats, slots...).
// Run by scripts/flink-options/generate.sh with the stack's Flink jars (measured on Flink 2.3 through REST too).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

public class JobLevelOptions {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String key = in.readLine(); key != null; key = in.readLine()) {
      if (key.isBlank()) continue;
      try {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(Configuration.fromMap(Map.of(key, "\u00a7")));
        env.fromSequence(1, 10).map(x -> x + 1).returns(Long.class).print();
        env.getStreamGraph().getJobGraph(JobLevelOptions.class.getClassLoader(), new JobID());
      } catch (Throwable t) {
        // Flink names the key it could not read: this one, or the option it is a fallback (older) key of.
        for (Throwable cause = t; cause != null; cause = cause.getCause())
          if (String.valueOf(cause.getMessage()).startsWith("Could not parse value '\u00a7' for key")) {
            System.out.println(key);
            break;
          }
      }
    }
  }
}
