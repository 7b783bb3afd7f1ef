import type { HttpClient } from 'isomorphic-git';
import { createPktReader, FLUSH_PKT, pktLine } from './pkt-line.ts';

/**
 * A shallow fetch of one commit over Git's smart HTTP protocol, v0/v1 (gitprotocol-http(5),
 * gitprotocol-pack(5)): one ref advertisement (`GET info/refs?service=git-upload-pack`) and one
 * `POST git-upload-pack` asking for `want <commit>` with `deepen 1`; the pack comes back on
 * side-band 1. Only the pack is returned: indexing is pack-index.ts's job.
 *
 * Failures are thrown shaped like isomorphic-git's (`code` + `data.statusCode`), so the adapter's
 * one translator (git-errors.ts) gives them the same codes as every other Git call.
 */

export interface FetchTransport {
  readonly http: HttpClient;
  readonly headers: Record<string, string>;
}

const ZERO_OID = '0'.repeat(40);
const AGENT = 'git/image-automation';

const vendorError = (code: string, message: string, data: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, data });

const readAll = async (body: AsyncIterableIterator<Uint8Array> | undefined): Promise<Buffer> => {
  const chunks: Uint8Array[] = [];
  if (body) for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
};

const request = async (
  transport: FetchTransport,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Uint8Array[] },
): Promise<Buffer> => {
  const response = await transport.http.request({
    url,
    method: init.method,
    headers: { ...transport.headers, ...init.headers },
    // An array, as isomorphic-git itself sends request bodies: its clients send it with a Content-Length.
    ...(init.body ? { body: init.body as unknown as AsyncIterableIterator<Uint8Array> } : {}),
  });
  if (response.statusCode !== 200) {
    // Drain so the connection is not left half-read.
    await readAll(response.body).catch(() => undefined);
    throw vendorError('HttpError', `HTTP Error: ${response.statusCode} ${response.statusMessage}`, {
      statusCode: response.statusCode,
      statusMessage: response.statusMessage,
    });
  }
  return readAll(response.body);
};

export interface RefAdvertisement {
  /** Full ref name → commit id. */
  readonly refs: ReadonlyMap<string, string>;
  readonly capabilities: ReadonlySet<string>;
}

const baseUrl = (url: string) => url.replace(/\/+$/, '');

/** `GET <url>/info/refs?service=git-upload-pack`: every ref and the server's capabilities. */
export const discoverRefs = async (transport: FetchTransport, url: string): Promise<RefAdvertisement> => {
  const body = await request(transport, `${baseUrl(url)}/info/refs?service=git-upload-pack`, {
    method: 'GET',
  });
  const reader = createPktReader(body);
  const refs = new Map<string, string>();
  const capabilities = new Set<string>();
  let first = reader.next();
  // Smart servers start with "# service=git-upload-pack" and a flush; a dumb server sends no pkt-lines.
  if (first?.kind === 'data' && first.payload.toString('latin1').startsWith('# service=')) {
    if (reader.next()?.kind !== 'flush') throw vendorError('SmartHttpError', 'malformed ref advertisement');
    first = reader.next();
  } else if (
    first === undefined ||
    !/^[0-9a-f]{40} /.test(first.kind === 'data' ? first.payload.toString('latin1') : '')
  ) {
    throw vendorError('SmartHttpError', 'the server did not answer as a smart-HTTP Git server');
  }
  for (let pkt = first; pkt && pkt.kind === 'data'; pkt = reader.next()) {
    let line = pkt.payload.toString('utf8').replace(/\n$/, '');
    const nul = line.indexOf('\0');
    if (nul >= 0) {
      for (const capability of line.slice(nul + 1).split(' ')) if (capability) capabilities.add(capability);
      line = line.slice(0, nul);
    }
    const [oid = '', name = ''] = line.split(' ');
    if (oid !== ZERO_OID && /^[0-9a-f]{40}$/.test(oid)) refs.set(name, oid);
  }
  return { refs, capabilities };
};

/** Demultiplexes the upload-pack answer: shallow lines, NAK/ACK, then the pack on band 1. */
const packFromResponse = (body: Buffer, sideBand: boolean): Buffer => {
  const reader = createPktReader(body);
  for (;;) {
    const pkt = reader.next();
    if (pkt === undefined) throw vendorError('SmartHttpError', 'upload-pack answered without a pack');
    if (pkt.kind === 'flush') continue; // ends the shallow section
    const text = pkt.payload.toString('latin1');
    if (text.startsWith('ERR ')) throw vendorError('RemoteError', `upload-pack: ${text.slice(4).trim()}`);
    if (text.startsWith('NAK') || text.startsWith('ACK')) break;
    if (!/^(shallow|unshallow) [0-9a-f]{40}/.test(text))
      throw vendorError('SmartHttpError', `unexpected upload-pack line ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (!sideBand) return body.subarray(reader.offset);
  const parts: Buffer[] = [];
  for (let pkt = reader.next(); pkt !== undefined; pkt = reader.next()) {
    if (pkt.kind === 'flush') break;
    const band = pkt.payload[0];
    if (band === 1) parts.push(pkt.payload.subarray(1));
    else if (band === 3)
      throw vendorError('RemoteError', `upload-pack: ${pkt.payload.subarray(1).toString('utf8').trim()}`);
    // band 2 is progress text: ignored (we asked for no-progress anyway).
  }
  return Buffer.concat(parts);
};

/**
 * The pack holding `commit`, its tree and every blob, with no history (`deepen 1`). Capabilities
 * asked for are only those the server offered; `ofs-delta` keeps delta bases earlier in the pack.
 */
export const fetchShallowPack = async (
  transport: FetchTransport,
  url: string,
  commit: string,
  advertised: ReadonlySet<string>,
): Promise<Buffer> => {
  const wanted = ['ofs-delta', 'shallow', 'no-progress'].filter((c) => advertised.has(c));
  const band = ['side-band-64k', 'side-band'].find((c) => advertised.has(c));
  if (band) wanted.unshift(band);
  if (!advertised.has('shallow'))
    throw vendorError('SmartHttpError', 'the server does not support shallow fetches');
  const body = [
    pktLine(`want ${commit} ${[...wanted, `agent=${AGENT}`].join(' ')}\n`),
    pktLine('deepen 1\n'),
    FLUSH_PKT,
    pktLine('done\n'),
  ];
  const answer = await request(transport, `${baseUrl(url)}/git-upload-pack`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-git-upload-pack-request',
      accept: 'application/x-git-upload-pack-result',
    },
    body,
  });
  return packFromResponse(answer, band !== undefined);
};
