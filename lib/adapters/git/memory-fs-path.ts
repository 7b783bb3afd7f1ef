/** Path resolution for the in-memory filesystem (memory-fs.ts), failing the way Node's fs does. */

/**
 * An error shaped like Node's (`code`, `syscall`, `path`), which isomorphic-git inspects by `code`.
 * No stack trace: isomorphic-git probes for loose objects before every packed read, so ENOENT is
 * control flow here, and capturing stacks was a tenth of the time of reading a blob.
 */
export const fsError = (code: string, syscall: string, path: string): NodeJS.ErrnoException => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error: NodeJS.ErrnoException = new Error(`${code}: ${syscall} '${path}'`);
  Error.stackTraceLimit = limit;
  error.code = code;
  error.syscall = syscall;
  error.path = path;
  return error;
};

const needsNormalising = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

export const normalise = (path: string, syscall: string): string => {
  if (typeof path !== 'string' || path === '') throw fsError('EINVAL', syscall, String(path));
  const absolute = path.startsWith('/') ? path : `/${path}`;
  if (!needsNormalising.test(absolute)) return absolute;
  const parts: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
};

export const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';
export const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
