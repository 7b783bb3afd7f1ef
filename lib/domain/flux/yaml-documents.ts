import { parseAllDocuments } from 'yaml';

/**
 * Splits a multi-document YAML file into plain JS values. Every document gets its 1-based index,
 * counting empty ones, so "document 3" is the third `---`-separated part a person counts in the file.
 * Syntax errors carry the line and column of the first problem in that document (later ones usually
 * follow from it). Merge keys (`<<`) are honoured as Kubernetes' YAML decoder does; alias expansion
 * is capped by the library (`maxAliasCount`), which stops "billion laughs" documents.
 */

export type YamlDocument =
  | { readonly index: number; readonly value: unknown }
  | { readonly index: number; readonly error: { message: string; line?: number; column?: number } };

export const readYamlDocuments = (text: string): YamlDocument[] => {
  const documents = parseAllDocuments(text, { merge: true });
  const result: YamlDocument[] = [];
  let index = 0;
  for (const document of documents) {
    index++;
    const problem = document.errors[0];
    if (problem) {
      const position = problem.linePos?.[0];
      result.push({
        index,
        error: {
          message: cleanMessage(problem.message),
          ...(position && { line: position.line, column: position.col }),
        },
      });
      continue;
    }
    try {
      result.push({ index, value: document.toJS({ maxAliasCount: 100 }) });
    } catch (error) {
      result.push({
        index,
        error: { message: error instanceof Error ? cleanMessage(error.message) : String(error) },
      });
    }
  }
  return result;
};

/** The library appends " at line L, column C:" and a code excerpt; the caller prints the position itself. */
const cleanMessage = (message: string): string =>
  (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
