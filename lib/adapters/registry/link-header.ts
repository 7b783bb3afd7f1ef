/**
 * The next page of a paginated listing, from an RFC 8288 `Link` header such as
 * `</v2/team/app/tags/list?last=b&n=2>; rel="next"`. The OCI distribution spec says the URL may be
 * relative, so it is resolved against the request URL.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
 *
 * Several links may share one header; the one whose `rel` contains `next` wins, and a lone link without
 * `rel` is taken as the next page (go-containerregistry does not check `rel` at all).
 */
export const nextPageUrl = (header: string | null | undefined, requestUrl: string): string | undefined => {
  if (!header) return undefined;
  const links = splitLinks(header).flatMap((part) => {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!match) return [];
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(match[2] ?? '');
    return [{ target: match[1] ?? '', rel: rel ? (rel[1] ?? rel[2] ?? '').toLowerCase() : undefined }];
  });
  const next =
    links.find((link) => link.rel?.split(/\s+/).includes('next')) ??
    (links.length === 1 && links[0]?.rel === undefined ? links[0] : undefined);
  if (next === undefined) return undefined;
  try {
    return new URL(next.target, requestUrl).toString();
  } catch {
    return undefined;
  }
};

/** Splits on the commas between links, not those inside `<…>` or quoted parameter values. */
const splitLinks = (header: string): string[] => {
  const parts: string[] = [];
  let current = '';
  let inUrl = false;
  let inQuotes = false;
  for (const char of header) {
    if (char === '<' && !inQuotes) inUrl = true;
    else if (char === '>' && !inQuotes) inUrl = false;
    else if (char === '"' && !inUrl) inQuotes = !inQuotes;
    if (char === ',' && !inUrl && !inQuotes) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
};
