package dev.flinkdeploy.testjobs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A small stateful streaming job whose state continuity a test proves from outside.
 *
 * <p>A rate-limited sequence source (its position is checkpointed) emits indexes 0, 1, 2, ...;
 * index {@code i} belongs to key {@code i % keys}. A keyed counter keeps a per-key count in
 * ValueState and, for every record, appends {@code <key> <count>} to
 * {@code <output>/counts-<subtask>.txt} and updates the gauge {@code counterTotal} (sum of the
 * latest count of every key this subtask has seen). After a restore from a savepoint the
 * counts continue where the savepoint left them.
 */
public final class CounterJob {
    /** Operator uids: stable so savepoints restore into later versions of this job. */
    static final String SOURCE_UID = "counter-source";
    static final String COUNTER_UID = "counter";

    private CounterJob() {}

    public static void main(String[] argv) throws Exception {
        CounterJobArgs args = CounterJobArgs.parse(argv);
        if (args.output != null && !args.flags.isEmpty()) {
            Path flags = Paths.get(args.output, "flags.txt");
            Files.createDirectories(flags.getParent());
            Files.write(flags, (String.join(" ", args.flags) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(args.checkpointIntervalMs);
        env.setMaxParallelism(128);
        if (args.restartAttempts != null) {
            Configuration conf = new Configuration();
            conf.setString("restart-strategy.type", "fixed-delay");
            conf.setString("restart-strategy.fixed-delay.attempts", String.valueOf(args.restartAttempts));
            conf.setString("restart-strategy.fixed-delay.delay", "1 s");
            env.configure(conf);
        }

        final long keys = args.keys;
        GeneratorFunction<Long, Long> keyOfIndex = index -> index % keys;
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(
                keyOfIndex, Long.MAX_VALUE, RateLimiterStrategy.perSecond(args.rate), Types.LONG);

        env.fromSource(source, WatermarkStrategy.noWatermarks(), "sequence")
                .uid(SOURCE_UID)
                .keyBy(key -> key)
                .process(new KeyCounter(args.output, args.failAfterRecords))
                .uid(args.counterUid)
                .name("counter")
                .sinkTo(new DiscardingSink<>())
                .uid("discard")
                .name("discard");

        env.execute("counter-job");
    }
}
