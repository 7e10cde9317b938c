// The v3 API reads request bodies as raw bytes whatever the Content-Type (dcrwallet sends none),
// because the client's signature covers those exact bytes and `request` must echo them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode, VspError } from '../../vsp/errors.ts';
import { UnparsableBody } from '../binding.ts';
import { vspState } from '../vsp-request.ts';

/** vspd reads at most 1 MiB of a request body. */
export const MAX_BODY_BYTES = 1 << 20;

/** The oversize error; the connection is closed after it so the rest is never read. */
export class BodyTooLargeError extends VspError {
  constructor() {
    super(ErrorCode.BadRequest, `request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parse(raw: Buffer): unknown {
  if (raw.length === 0) return new UnparsableBody('request body is empty');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    // Stored requests must be the exact signed bytes; a JS string cannot hold invalid UTF-8.
    return new UnparsableBody('request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return new UnparsableBody(`request body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Make every request in this scope go through one raw parser. A Content-Type header fastify
 * cannot parse would be refused with 415 before any parser runs, and vspd accepts anything,
 * so the header is replaced before parsing (the original is only logged).
 */
export function rawBody(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const original = request.raw.headers['content-type'];
    if (original !== undefined) {
      request.log.trace({ contentType: original }, 'request content type');
    }
    request.raw.headers['content-type'] = 'application/octet-stream';
    done();
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request: FastifyRequest, payload, done) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      done(new BodyTooLargeError(), undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (err: Error | null): void => {
      if (finished) return;
      finished = true;
      payload.removeListener('data', onData);
      if (err !== null) {
        done(err, undefined);
        return;
      }
      const raw = Buffer.concat(chunks, size);
      const state = vspState(request);
      state.raw = raw;
      state.json = parse(raw);
      done(null, state.json);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) finish(new BodyTooLargeError());
      else chunks.push(chunk);
    };
    payload.on('data', onData);
    payload.on('end', () => finish(null));
    payload.on('error', (err) => finish(err));
  });
}
