package dev.flinkdeploy.testjobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line arguments of {@link CounterJob}: {@code --name value} pairs, and flags ({@code -x}, no value)
 * the job only records: a job's short flag may be one Flink's launcher also knows ({@code -n}), and must reach it.
 *
 * <ul>
 *   <li>{@code --keys N} number of distinct keys (default 4)
 *   <li>{@code --rate R} records per second over all keys and source subtasks (default 20)
 *   <li>{@code --output DIR} directory for {@code counts-<subtask>.txt} files with lines
 *       {@code <key> <count>} (default: no file output)
 *   <li>{@code --checkpoint-interval-ms MS} checkpoint interval (default 2000)
 *   <li>{@code --fail-after-records N} make a "broken version": each counter subtask throws after
 *       N records of its current attempt; 0 fails when the task opens (default: never)
 *   <li>{@code --restart-attempts N} fixed-delay restarts (1 s apart) before the job FAILS
 *       (default: the cluster's restart strategy; 0 when --fail-after-records is set)
 *   <li>{@code --counter-uid UID} the counter operator's uid (default {@code counter}): another one makes a
 *       version whose counter state no savepoint of the default maps to
 * </ul>
 */
final class CounterJobArgs {
    final int keys;
    final double rate;
    final String output;
    final long checkpointIntervalMs;
    final long failAfterRecords;
    final Integer restartAttempts;
    final String counterUid;
    /** The flags given, in order (the job writes them to {@code <output>/flags.txt}). */
    final List<String> flags;

    private CounterJobArgs(Map<String, String> v, List<String> flags) {
        this.flags = flags;
        keys = Integer.parseInt(v.getOrDefault("keys", "4"));
        rate = Double.parseDouble(v.getOrDefault("rate", "20"));
        output = v.get("output");
        checkpointIntervalMs = Long.parseLong(v.getOrDefault("checkpoint-interval-ms", "2000"));
        failAfterRecords = Long.parseLong(v.getOrDefault("fail-after-records", "-1"));
        counterUid = v.getOrDefault("counter-uid", CounterJob.COUNTER_UID);
        String restarts = v.get("restart-attempts");
        restartAttempts = restarts != null ? Integer.valueOf(restarts) : (failAfterRecords >= 0 ? Integer.valueOf(0) : null);
        if (keys < 1) throw new IllegalArgumentException("--keys must be >= 1, got " + keys);
        if (rate <= 0) throw new IllegalArgumentException("--rate must be > 0, got " + rate);
    }

    static CounterJobArgs parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.length() == 2 && a.charAt(0) == '-' && a.charAt(1) != '-') {
                flags.add(a);
                continue;
            }
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument: " + a);
            String name = a.substring(2);
            if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + a);
            values.put(name, args[++i]);
        }
        return new CounterJobArgs(values, flags);
    }
}
