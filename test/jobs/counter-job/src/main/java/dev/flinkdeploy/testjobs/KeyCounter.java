package dev.flinkdeploy.testjobs;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key counter in ValueState. Emits and appends {@code <key> <count>} for every record and
 * exposes the gauges {@code counterTotal} (sum of the latest counts of the keys seen by this
 * subtask) and {@code counterRecordsThisAttempt}.
 */
final class KeyCounter extends KeyedProcessFunction<Long, Long, String> {
    private static final long serialVersionUID = 1L;

    private final String outputDir;
    private final long failAfterRecords;

    private transient ValueState<Long> count;
    private transient Map<Long, Long> latestByKey;
    private transient volatile long total;
    private transient volatile long recordsThisAttempt;
    private transient BufferedWriter out;

    KeyCounter(String outputDir, long failAfterRecords) {
        this.outputDir = outputDir;
        this.failAfterRecords = failAfterRecords;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        latestByKey = new HashMap<>();
        getRuntimeContext().getMetricGroup().gauge("counterTotal", (Gauge<Long>) () -> total);
        getRuntimeContext().getMetricGroup().gauge("counterRecordsThisAttempt", (Gauge<Long>) () -> recordsThisAttempt);
        if (failAfterRecords == 0) {
            throw new IllegalStateException("counter-job: failing on open (--fail-after-records 0)");
        }
        if (outputDir != null) {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            Path dir = Path.of(outputDir);
            Files.createDirectories(dir);
            out = Files.newBufferedWriter(dir.resolve("counts-" + subtask + ".txt"), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    @Override
    public void processElement(Long key, Context ctx, Collector<String> collector) throws Exception {
        Long previous = count.value();
        long next = (previous == null ? 0L : previous) + 1;
        count.update(next);
        Long seen = latestByKey.put(key, next);
        total += next - (seen == null ? 0L : seen);
        recordsThisAttempt++;
        String line = key + " " + next;
        if (out != null) {
            out.write(line);
            out.newLine();
            out.flush();
        }
        collector.collect(line);
        if (failAfterRecords > 0 && recordsThisAttempt >= failAfterRecords) {
            throw new IllegalStateException(
                    "counter-job: failing after " + recordsThisAttempt + " records (--fail-after-records)");
        }
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
    }
}
