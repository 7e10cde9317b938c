import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { netParams } from '../../src/dcr/params.ts';
import { encodeTx, toHex } from '../../src/dcr/index.ts';
import {
  isTicketHash,
  isVspTicket,
  ticketCanVote,
  ticketCommitmentAddress,
  verifyBodySignature,
} from '../../src/vsp/ticket.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';
import { NET, newKey, newTicket, signBody } from '../web/fixtures.ts';

interface SignedMessages {
  verify_cases: {
    name: string;
    address: string;
    message: string;
    signature_b64: string;
    net: string;
    valid: boolean;
  }[];
}

const vectors = loadVectors<SignedMessages>('signed_messages.json');

// The VSP verifies the client's signature over the raw body bytes; over a UTF-8 message it
// must agree with dcrd's verifymessage on every shared vector.
vectorSuite('signed_messages.json', (add) => {
  for (const c of vectors.verify_cases) {
    add(`verifyBodySignature: ${c.name}`, () => {
      const ok = verifyBodySignature(
        c.address,
        c.signature_b64,
        Buffer.from(c.message, 'utf8'),
        netParams(c.net),
      );
      assert.equal(ok, c.valid);
    });
  }
});

describe('verifyBodySignature', () => {
  it('verifies over bytes that are not UTF-8 (no re-encoding before hashing)', () => {
    const key = newKey();
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    // signMessage hashes a string as UTF-8, so sign the latin1 reading of a UTF-8 body instead
    // and check the mismatch is detected both ways.
    const text = '{"a":"é"}';
    const sig = signBody(text, key);
    assert.ok(verifyBodySignature(key.address, sig, Buffer.from(text, 'utf8'), NET));
    assert.ok(!verifyBodySignature(key.address, sig, Buffer.from(text, 'latin1'), NET));
    assert.ok(!verifyBodySignature(key.address, sig, body, NET));
  });

  it('rejects non-base64 and wrong-length signatures', () => {
    const key = newKey();
    assert.ok(!verifyBodySignature(key.address, '!!!', Buffer.from('x'), NET));
    assert.ok(
      !verifyBodySignature(key.address, Buffer.alloc(64).toString('base64'), Buffer.from('x'), NET),
    );
  });
});

describe('ticket checks', () => {
  it('isTicketHash: 64 lowercase hex only', () => {
    assert.ok(isTicketHash('0'.repeat(64)));
    assert.ok(isTicketHash('af'.repeat(32)));
    assert.ok(!isTicketHash('AF'.repeat(32)));
    assert.ok(!isTicketHash('0'.repeat(63)));
    assert.ok(!isTicketHash('0'.repeat(65)));
    assert.ok(!isTicketHash('g'.repeat(64)));
    assert.ok(!isTicketHash(64));
  });

  it('isVspTicket: a 3-output ticket; not its parent, not a 2-commitment ticket', () => {
    const t = newTicket();
    assert.ok(isVspTicket(t.ticket));
    assert.ok(!isVspTicket(t.parent));
    const two = newTicket();
    const split = {
      ...two.ticket,
      inputs: [...two.ticket.inputs, ...t.ticket.inputs],
      outputs: [...two.ticket.outputs, ...t.ticket.outputs.slice(1)],
    };
    toHex(encodeTx(split));
    assert.ok(!isVspTicket(split));
  });

  it('ticketCommitmentAddress: the P2PKH address of output 1', () => {
    const t = newTicket();
    assert.equal(ticketCommitmentAddress(t.ticket, NET), t.commitment.address);
  });

  it('ticketCanVote: mempool/immature yes, live per dcrd, too old no', async () => {
    const m = NET.ticketMaturity;
    const e = NET.ticketExpiry;
    const live = () => Promise.resolve(true);
    const dead = () => Promise.resolve(false);
    const boom = (): Promise<boolean> => Promise.reject(new Error('must not ask dcrd'));
    assert.equal(await ticketCanVote(0, NET, boom), true);
    assert.equal(await ticketCanVote(m, NET, boom), true);
    assert.equal(await ticketCanVote(m + 1, NET, live), true);
    assert.equal(await ticketCanVote(m + 1, NET, dead), false);
    assert.equal(await ticketCanVote(m + e + 1, NET, live), true);
    assert.equal(await ticketCanVote(m + e + 2, NET, boom), false);
  });
});
