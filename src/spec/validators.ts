/** Checks of single values: names, image references, jar URIs, Java class names, paths. */
import {
  fileHostProblem,
  hasCredentials,
  redactedUri,
  schemeCaseProblem,
  uriScheme,
  uriSyntaxProblem,
  type ValueProblem,
} from './uris';

/** Longest application name, so that `<app>-jobmanager-<hash>-<hash>` pod names stay ≤ 63. */
export const maxAppNameLength = 45;

/** A DNS-1035 label (Service names): lower-case alphanumerics and '-', starting with a letter. */
export function isDns1035Label(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/**
 * Why `value` cannot name an application (or the session cluster or job `what` says), or undefined: a DNS-1035
 * label of at most 45 characters. Too long is said as such: the characters may be right.
 */
export function appNameProblem(
  value: string,
  what = 'application name',
): { message: string; hint: string } | undefined {
  if (isDns1035Label(value, maxAppNameLength)) return undefined;
  if (isDns1035Label(value, Infinity))
    return {
      message:
        `"${value}" is ${value.length} characters: ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} is at most ` +
        `${maxAppNameLength} (it prefixes Service and pod names, which Kubernetes limits to 63)`,
      hint: `Shorten it to ${maxAppNameLength} characters or fewer.`,
    };
  return {
    message: `"${value}" is not a valid ${what}`,
    hint:
      `Use at most ${maxAppNameLength} lower-case letters, digits and '-', starting with a letter and ` +
      `ending with a letter or digit (it prefixes Service names).`,
  };
}

/** A DNS-1123 label (namespaces). */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/** A DNS-1123 subdomain (ServiceAccount names). */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value);
}

/**
 * A container image reference as Docker parses it: `[registry[:port]/]path[:tag][@digest]`,
 * lower-case path components.
 */
export function isImageReference(value: string): boolean {
  const pattern =
    /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?|\[[0-9a-fA-F:]+\](?::\d+)?)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;
  return value.length <= 255 && pattern.test(value);
}

/** URI schemes Flink can fetch a job jar from. */
export const jarUriSchemes = [
  'local',
  'file',
  'http',
  'https',
  's3',
  's3a',
  's3p',
  'gs',
  'abfs',
  'abfss',
  'wasb',
  'wasbs',
  'oss',
  'hdfs',
] as const;

/** What is wrong with a jar URI, or undefined when it is fine. */
export function jarUriProblem(value: string): { message: string; hint: string } | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(value);
  if (!match) {
    return {
      message: `"${value}" is not a URI with a scheme`,
      hint: 'Use e.g. local:///opt/flink/usrlib/my-job.jar (a file in the image), https://… or s3://….',
    };
  }
  const scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  if (!(jarUriSchemes as readonly string[]).includes(scheme)) {
    return {
      message: `jar URI scheme "${scheme}" is not supported`,
      hint: `Use one of: ${jarUriSchemes.map((s) => `${s}://`).join(', ')}.`,
    };
  }
  if ((scheme === 'local' || scheme === 'file') && !rest.startsWith('/')) {
    return {
      message: `a ${scheme}:// jar URI needs an absolute path (three slashes)`,
      hint: `Write ${scheme}:///path/to/job.jar.`,
    };
  }
  const path = rest.split(/[?#]/)[0] ?? '';
  if (!/[^/]\.jar$/i.test(path)) {
    return {
      message: `"${value}" does not name a .jar file`,
      hint: 'Point jarURI at the job jar itself, e.g. local:///opt/flink/usrlib/my-job.jar.',
    };
  }
  return undefined;
}

/** The path of a jar in the image, `local:///<path>.jar` (the scheme as Flink reads it: lower case); else undefined. */
export function localJarPath(jarURI: string): string | undefined {
  if (uriScheme(jarURI) !== 'local') return undefined;
  const path = jarURI.slice('local://'.length);
  return path.startsWith('/') && path.endsWith('.jar') && !path.endsWith('/.jar') ? path : undefined;
}

/** Of each kind of URI holding credentials: where it is kept besides the record and the history, and what to do. */
const credentialsOf = {
  'jar URI': { keptIn: "the JobManager's arguments", instead: ', or put the jar into the image (local:///…).' },
  'savepoint path': { keptIn: "the JobManager's arguments", instead: '.' },
  'state directory': {
    keptIn: "Flink's configuration (an application's ConfigMap, a session job's jar run)",
    instead:
      ', its keys from a Kubernetes Secret as environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), ' +
      'never in a URI.',
  },
} as const;

/**
 * Credentials in a URI Flink is given (`user:password@`): they would be kept in the deployed-state record, the
 * Temporal history and the pods' arguments or configuration.
 */
export function credentialsProblem(value: string, what: keyof typeof credentialsOf): ValueProblem | undefined {
  if (!hasCredentials(value)) return undefined;
  return {
    message:
      `"${redactedUri(value)}" carries credentials (user:password@) in the URI: the ${what} is kept in the ` +
      `deployed-state record, the Temporal history and ${credentialsOf[what].keptIn}`,
    hint:
      'Remove them: Flink reads object storage with its own file system configuration (docs/object-storage.md)' +
      credentialsOf[what].instead,
  };
}

/**
 * What Flink cannot do with a jar URI the schema took (the launch checks, ValidateOptions.launchChecks): a scheme
 * in upper case, characters `java.net.URI` refuses, a comma (Flink splits `--jars` at commas), credentials.
 */
export function jarUriLaunchProblem(value: string): ValueProblem | undefined {
  const comma = value.includes(',')
    ? {
        message:
          `"${redactedUri(value)}" holds a comma: Flink splits the jars it is given (--jars) at commas and would ` +
          'look for two jars',
        hint: `Percent-encode the comma (Flink decodes it again): ${redactedUri(value.replaceAll(',', '%2C'))}.`,
      }
    : undefined;
  return schemeCaseProblem(value) ?? uriSyntaxProblem(value) ?? comma ?? credentialsProblem(value, 'jar URI');
}

/**
 * What Flink cannot do with a savepoint path to restore from (the launch checks): a scheme in upper case, a
 * `file://<host>/` path, credentials.
 */
export function restorePathProblem(value: string): ValueProblem | undefined {
  return schemeCaseProblem(value) ?? fileHostProblem(value) ?? credentialsProblem(value, 'savepoint path');
}

/** A fully qualified Java class name such as `org.example.MyJob` or `MyJob$Inner`. */
export function isJavaClassName(value: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/.test(value);
}

/**
 * An absolute savepoint/checkpoint location: `scheme://…`, an absolute path `/…`, or `file:/…`, the form Flink
 * writes a local path in (its REST, logs and our record show it so). `fileOneSlash` false: `file:/…` not taken, as
 * before ValidateOptions.specChecks5 (src/spec/parse.ts), for a workflow's replay.
 */
export function isAbsoluteStatePath(value: string, options: { fileOneSlash?: boolean } = {}): boolean {
  const fileOneSlash = (options.fileOneSlash ?? true) && /^file:\/[^/]/i.test(value);
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/.+/.test(value) || /^\/.+/.test(value) || fileOneSlash;
}
