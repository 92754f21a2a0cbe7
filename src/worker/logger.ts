/** JSON logs (pino) for the worker, and the Temporal runtime's logs routed into them. */
import pino from 'pino';
import { DefaultLogger, type LogLevel as TemporalLogLevel } from '@temporalio/worker';

export function createLogger(level: string): pino.Logger {
  return pino({ level, base: { component: 'flink-deploy-worker' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A Temporal logger that writes through pino. */
export function temporalLogger(logger: pino.Logger, level: TemporalLogLevel): DefaultLogger {
  return new DefaultLogger(level, (entry) => {
    const fields = { ...entry.meta, sdk: true };
    const message = entry.message;
    switch (entry.level) {
      case 'TRACE':
      case 'DEBUG':
        logger.debug(fields, message);
        break;
      case 'INFO':
        logger.info(fields, message);
        break;
      case 'WARN':
        logger.warn(fields, message);
        break;
      default:
        logger.error(fields, message);
    }
  });
}
