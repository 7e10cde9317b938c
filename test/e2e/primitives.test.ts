// src/dcr against the real thing, for random keys and real chain data: multisig scripts and
// addresses against dcrwallet's createmultisig, address encodings against validateaddress,
// signed messages and WIF keys against signmessage/dumpprivkey, and the transaction, block and
// header codecs, txids, script classes and stake types against dcrd's verbose RPC replies.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { base64 } from '@scure/base';
import {
  blockHashDisplay,
  classifyScript,
  commitmentAddress,
  decodeAddress,
  decodeBlock,
  decodeBlockHeader,
  decodeCommitment,
  decodeTx,
  decodeWif,
  encodeAddress,
  encodeBlock,
  encodeBlockHeader,
  encodeTx,
  encodeWif,
  equalBytes,
  extractAddresses,
  fromHex,
  hash160,
  hashToDisplay,
  multiSigScript,
  p2pkAddress,
  p2pkhAddress,
  p2shAddress,
  parseMultiSigScript,
  revocationTicketHash,
  signMessage,
  stakeTxType,
  ticketVotingAddress,
  toHex,
  txid,
  verifyMessage,
  voteBlockRef,
  voteTicketHash,
} from '../../src/dcr/index.ts';
import type { ScriptType, StakeTxType, Tx } from '../../src/dcr/index.ts';
import { isValidPrivateKey, publicKeyCreate } from '../../src/dcr/secp.ts';
import { dcrToAtoms } from '../../src/rpc/dcrd.ts';
import type { TxVerbose, TxVerboseVin } from '../../src/rpc/dcrd.ts';
import type { WalletClient } from '../../src/rpc/wallet.ts';
import { SIMNET, Simnet } from '../../src/simnet/harness.ts';

const KEY_PAIRS = 6;
const ADDRESSES_PER_WALLET = 4;
const BLOCKS = 20;

function randomKey(): Uint8Array {
  for (;;) {
    const k = randomBytes(32);
    if (isValidPrivateKey(k)) return k;
  }
}

function randomPubKey(): Uint8Array {
  return publicKeyCreate(randomKey());
}

/** dcrd's stdscript names for our script classes (what verbose replies call scriptPubKey.type). */
const NODE_SCRIPT_TYPE: Record<ScriptType, string> = {
  nonstandard: 'nonstandard',
  p2pk: 'pubkey',
  p2pkEd25519: 'pubkey-ed25519',
  p2pkSchnorrSecp256k1: 'pubkey-schnorr-secp256k1',
  p2pkh: 'pubkeyhash',
  p2pkhEd25519: 'pubkeyhash-ed25519',
  p2pkhSchnorrSecp256k1: 'pubkeyhash-schnorr-secp256k1',
  p2sh: 'scripthash',
  multisig: 'multisig',
  nulldata: 'nulldata',
  stakeSubmissionP2PKH: 'stakesubmission-pubkeyhash',
  stakeSubmissionP2SH: 'stakesubmission-scripthash',
  stakeGenP2PKH: 'stakegen-pubkeyhash',
  stakeGenP2SH: 'stakegen-scripthash',
  stakeRevocationP2PKH: 'stakerevoke-pubkeyhash',
  stakeRevocationP2SH: 'stakerevoke-scripthash',
  stakeChangeP2PKH: 'stakechange-pubkeyhash',
  stakeChangeP2SH: 'stakechange-scripthash',
  treasuryAdd: 'treasuryadd',
  treasuryGenP2PKH: 'treasurygen-pubkeyhash',
  treasuryGenP2SH: 'treasurygen-scripthash',
};

/** The stake type dcrd's verbose reply implies, read from its structure alone. */
function nodeStakeType(v: TxVerbose): StakeTxType {
  // dcrd names a treasury spend's input so; the typed reply leaves it out as stakepool never
  // reads it.
  const first: (TxVerboseVin & { treasuryspend?: string }) | undefined = v.vin[0];
  const types = v.vout.map((o) => o.scriptPubKey.type);
  if (first?.treasurybase === true) return 'treasuryBase';
  if (first?.treasuryspend !== undefined) return 'treasurySpend';
  if (first?.stakebase !== undefined) return 'vote';
  if (
    types[0]?.startsWith('stakesubmission-') === true &&
    types.every(
      (t, i) => i === 0 || (i % 2 === 1 ? t === 'sstxcommitment' : t.startsWith('stakechange-')),
    )
  ) {
    return 'ticket';
  }
  if (types.length > 0 && types.every((t) => t.startsWith('stakerevoke-'))) return 'revocation';
  if (types[0] === 'treasuryadd') return 'treasuryAdd';
  return 'regular';
}

function isNullOutpoint(tx: Tx, i: number): boolean {
  const input = tx.inputs[i]!;
  return input.prevHash.every((b) => b === 0) && input.prevIndex === 0xffffffff;
}

describe(
  'e2e: src/dcr agrees with dcrd and dcrwallet for random keys',
  { timeout: 600_000 },
  () => {
    let sim: Simnet;
    /** The blocks the codec tests walk: 20 hashes, with every kind of transaction among them. */
    const window: { hash: string; height: number }[] = [];
    let customerTicket = '';
    let revocationTxid = '';
    let paymentTxid = '';

    before(async () => {
      sim = await Simnet.start();
      // A regular payment, and a customer ticket: the customer wallet does not vote, so the ticket
      // misses when it wins, and dcrd revokes it automatically (DCP-0009). That puts a revocation
      // on the chain next to the coinbases, treasury bases, split transactions, tickets and votes.
      const legacyAddr = await sim.legacyCustomer.client.getNewAddress();
      paymentTxid = await sim.customer.client.sendToAddress(legacyAddr, 123_456_789n);
      const [ticket] = await sim.customer.client.purchaseTicket('default', 1);
      assert.ok(ticket !== undefined, 'purchaseticket returned no ticket');
      customerTicket = ticket;
      // It wins within a few dozen blocks; at the latest it expires (maturity 16 + expiry 384).
      let revHeight = -1;
      for (let i = 0; i < 420 && revHeight < 0; i++) {
        const [hash] = await sim.mine(1);
        const block = await sim.dcrd.getBlock(hash!, true);
        for (const stx of block.rawstx ?? []) {
          if (stx.vin.some((v) => v.txid === customerTicket)) {
            assert.ok(
              stx.vout.every((o) => o.scriptPubKey.type.startsWith('stakerevoke-')),
              `the customer ticket was spent by something other than a revocation: ${stx.txid}`,
            );
            revHeight = block.height;
            revocationTxid = stx.txid;
          }
        }
      }
      assert.ok(revHeight > 0, 'the customer ticket was never revoked');
      const heights = new Set<number>();
      for (const id of [paymentTxid, customerTicket]) {
        const h = (await sim.dcrd.getRawTransactionVerbose(id)).blockheight;
        assert.ok(h !== undefined, `${id} is not mined`);
        heights.add(h);
      }
      for (let h = revHeight; heights.size < BLOCKS; h--) heights.add(h);
      for (const height of [...heights].sort((a, b) => a - b)) {
        window.push({ height, hash: await sim.dcrd.getBlockHash(height) });
      }
    });

    after(async () => {
      await sim?.stop();
    });

    it('builds the same 1-of-2 multisig script and P2SH address as createmultisig', async () => {
      for (let i = 0; i < KEY_PAIRS; i++) {
        const keys = [randomPubKey(), randomPubKey()];
        const script = multiSigScript(1, keys);
        const address = encodeAddress(p2shAddress(script, SIMNET));
        // dcrwallet takes each key as hex or as a P2PK address; both must give the same answer.
        const asHex = keys.map((k) => toHex(k));
        const asP2pk = keys.map((k) => encodeAddress(p2pkAddress(k, SIMNET)));
        for (const w of [sim.customer, sim.legacyCustomer]) {
          for (const form of [asHex, asP2pk]) {
            const r = await w.client.createMultisig(1, form);
            assert.equal(
              r.redeemScript,
              toHex(script),
              `${w.name}: redeem script for ${form.join(' ')}`,
            );
            assert.equal(r.address, address, `${w.name}: P2SH address for ${form.join(' ')}`);
          }
        }
        const parsed = parseMultiSigScript(script);
        assert.ok(parsed !== undefined);
        assert.equal(parsed.m, 1);
        assert.ok(parsed.pubKeys.every((k, j) => equalBytes(k, keys[j]!)));
      }
    });

    it('builds the same m-of-n scripts as createmultisig for other shapes', async () => {
      for (const [m, n] of [
        [2, 2],
        [2, 3],
        [3, 3],
        [1, 3],
      ] as const) {
        const keys = Array.from({ length: n }, randomPubKey);
        const script = multiSigScript(m, keys);
        const r = await sim.customer.client.createMultisig(
          m,
          keys.map((k) => toHex(k)),
        );
        assert.equal(r.redeemScript, toHex(script), `${m}-of-${n} redeem script`);
        assert.equal(r.address, encodeAddress(p2shAddress(script, SIMNET)), `${m}-of-${n} address`);
      }
    });

    /** Fresh addresses of a wallet with what validateaddress says about each. */
    async function walletKeys(
      client: WalletClient,
    ): Promise<{ address: string; pubKey: Uint8Array; pubKeyAddr: string }[]> {
      const out = [];
      for (let i = 0; i < ADDRESSES_PER_WALLET; i++) {
        const address = await client.getNewAddress();
        const v = await client.validateAddress(address);
        assert.equal(v.isvalid, true);
        assert.equal(v.ismine, true, `${address} is the wallet's own`);
        assert.ok(v.pubkey !== undefined && v.pubkeyaddr !== undefined, 'pubkey reported');
        out.push({ address, pubKey: fromHex(v.pubkey), pubKeyAddr: v.pubkeyaddr });
      }
      return out;
    }

    it('encodes P2PKH and P2PK addresses as validateaddress reports them', async () => {
      for (const w of [sim.customer, sim.legacyCustomer]) {
        for (const k of await walletKeys(w.client)) {
          assert.equal(k.pubKey.length, 33, 'wallets use compressed keys');
          assert.equal(encodeAddress(p2pkhAddress(k.pubKey, SIMNET)), k.address, `${w.name}`);
          assert.equal(encodeAddress(p2pkAddress(k.pubKey, SIMNET)), k.pubKeyAddr, `${w.name}`);
          const pkh = decodeAddress(k.address, SIMNET);
          assert.equal(pkh.kind, 'p2pkh');
          assert.ok(pkh.kind === 'p2pkh' && equalBytes(pkh.hash160, hash160(k.pubKey)));
          const pk = decodeAddress(k.pubKeyAddr, SIMNET);
          assert.ok(pk.kind === 'p2pk' && equalBytes(pk.pubKey, k.pubKey));
          // The wallet knows the key under its P2PK address too.
          const v = await w.client.validateAddress(k.pubKeyAddr);
          assert.equal(v.ismine, true);
          assert.equal(v.pubkey, toHex(k.pubKey));
        }
      }
    });

    it('encodes P2SH addresses as validateaddress reports them for an imported script', async () => {
      for (const w of [sim.customer, sim.legacyCustomer]) {
        const [own] = await walletKeys(w.client);
        const other = randomPubKey();
        const script = multiSigScript(1, [own!.pubKey, other]);
        const address = encodeAddress(p2shAddress(script, SIMNET));
        await w.client.importScript(toHex(script));
        const v = await w.client.validateAddress(address);
        assert.equal(v.isvalid, true);
        assert.equal(v.ismine, true, `${w.name}: the imported script is the wallet's`);
        assert.equal(v.isscript, true);
        assert.equal(v.hex, toHex(script), `${w.name}: redeem script`);
        assert.equal(v.sigsrequired, 1);
        assert.deepEqual(v.addresses, [
          encodeAddress(p2pkAddress(own!.pubKey, SIMNET)),
          encodeAddress(p2pkAddress(other, SIMNET)),
        ]);
        const a = decodeAddress(address, SIMNET);
        assert.ok(a.kind === 'p2sh' && equalBytes(a.hash160, hash160(script)));
      }
    });

    it('verifies signmessage signatures and rejects tampered ones', async () => {
      const messages = ['stakepool', '', 'ünïcødé ✓ and a longer line\nwith a newline'];
      for (const w of [sim.customer, sim.legacyCustomer]) {
        const [a, b] = await walletKeys(w.client);
        for (const message of messages) {
          const sig = await w.client.signMessage(a!.address, message);
          assert.equal(verifyMessage(a!.address, sig, message, SIMNET), true, `${w.name}: valid`);
          assert.equal(verifyMessage(a!.address, sig, `${message}.`, SIMNET), false, 'message');
          assert.equal(verifyMessage(b!.address, sig, message, SIMNET), false, 'other address');
          assert.equal(verifyMessage(a!.pubKeyAddr, sig, message, SIMNET), false, 'P2PK address');
          const raw = base64.decode(sig);
          for (const at of [1, 40, 64]) {
            const bad = Uint8Array.from(raw);
            bad[at]! ^= 0x01;
            const s = base64.encode(bad);
            assert.equal(
              verifyMessage(a!.address, s, message, SIMNET),
              false,
              `byte ${at} flipped`,
            );
          }
          const flippedRecovery = Uint8Array.from(raw);
          flippedRecovery[0]! ^= 0x01;
          assert.equal(
            verifyMessage(a!.address, base64.encode(flippedRecovery), message, SIMNET),
            false,
            'recovery id flipped',
          );
          // Both sides sign deterministically (RFC 6979), so with the dumped key we sign the very
          // same bytes, and dcrd verifies ours.
          const { privateKey } = decodeWif(await w.client.dumpPrivKey(a!.address), SIMNET);
          const ours = signMessage(message, privateKey);
          assert.equal(ours, sig, `${w.name}: our signature equals the wallet's`);
          const ok = await sim.dcrd.rpc.call<boolean>('verifymessage', [a!.address, ours, message]);
          assert.equal(ok, true, 'dcrd verifies our signature');
        }
      }
    });

    it('decodes dumpprivkey WIFs to the key of the address', async () => {
      for (const w of [sim.customer, sim.legacyCustomer]) {
        for (const k of await walletKeys(w.client)) {
          const wif = await w.client.dumpPrivKey(k.address);
          const d = decodeWif(wif, SIMNET);
          assert.equal(d.net.name, 'simnet');
          assert.ok(equalBytes(d.publicKey, k.pubKey), `${w.name}: public key`);
          assert.ok(equalBytes(publicKeyCreate(d.privateKey), k.pubKey));
          assert.equal(encodeAddress(p2pkhAddress(d.publicKey, SIMNET)), k.address);
          assert.equal(encodeWif(d.privateKey, SIMNET), wif, 'WIF round trip');
        }
      }
    });

    it('decodes every transaction of 20 blocks as getrawtransaction does', async (t) => {
      assert.equal(window.length, BLOCKS);
      const seen = new Map<StakeTxType, number>();
      const seenRegular = { coinbase: 0, other: 0 };
      for (const { hash, height } of window) {
        const verbose = await sim.dcrd.getBlock(hash);
        const blockHex = await sim.dcrd.getBlockHex(hash);
        const block = decodeBlock(blockHex);
        assert.equal(toHex(encodeBlock(block)), blockHex, `block ${height}: round trip`);
        assert.deepEqual(block.transactions.map(txid), verbose.tx ?? [], `block ${height}: tx`);
        assert.deepEqual(block.stakeTransactions.map(txid), verbose.stx ?? [], `${height}: stx`);
        const trees = [
          { ids: verbose.tx ?? [], txs: block.transactions, stake: false },
          { ids: verbose.stx ?? [], txs: block.stakeTransactions, stake: true },
        ];
        for (const tree of trees) {
          for (const [index, id] of tree.ids.entries()) {
            const v = await sim.dcrd.getRawTransactionVerbose(id);
            const what = `block ${height} ${tree.stake ? 'stx' : 'tx'} ${index} ${id}`;
            const tx = decodeTx(v.hex);
            assert.equal(toHex(encodeTx(tx)), v.hex, `${what}: re-encodes`);
            assert.equal(toHex(encodeTx(tree.txs[index]!)), v.hex, `${what}: same as in the block`);
            assert.equal(txid(tx), v.txid, `${what}: txid`);
            assert.equal(v.txid, id);
            assert.equal(v.blockhash, hash);
            assert.equal(v.blockheight, height);
            assert.equal(tx.version, v.version, `${what}: version`);
            assert.equal(tx.lockTime, v.locktime, `${what}: locktime`);
            assert.equal(tx.expiry, v.expiry, `${what}: expiry`);
            checkInputs(tx, v, what);
            checkOutputs(tx, v, what);

            const type = stakeTxType(tx);
            assert.equal(type, nodeStakeType(v), `${what}: stake type`);
            assert.equal(type !== 'regular', tree.stake, `${what}: stake type fits its tree`);
            seen.set(type, (seen.get(type) ?? 0) + 1);
            if (type === 'regular') {
              if (v.vin[0]?.coinbase !== undefined) seenRegular.coinbase++;
              else seenRegular.other++;
            }
            checkStakeDetails(tx, v, type, verbose.previousblockhash!, height, what);
          }
        }
      }
      t.diagnostic(
        `heights ${window.map((b) => b.height).join(',')}: ${JSON.stringify(Object.fromEntries(seen))}, ` +
          `regular: ${seenRegular.coinbase} coinbases + ${seenRegular.other} others`,
      );
      for (const type of ['ticket', 'vote', 'revocation', 'treasuryBase', 'regular'] as const) {
        assert.ok((seen.get(type) ?? 0) > 0, `no ${type} among the ${BLOCKS} blocks`);
      }
      assert.equal(seenRegular.coinbase, BLOCKS, 'one coinbase per block');
      assert.ok(seenRegular.other > 0, 'regular transactions besides coinbases');
    });

    function checkInputs(tx: Tx, v: TxVerbose, what: string): void {
      assert.equal(tx.inputs.length, v.vin.length, `${what}: input count`);
      for (const [i, vin] of v.vin.entries()) {
        const input = tx.inputs[i]!;
        const at = `${what} vin ${i}`;
        assert.equal(input.sequence, vin.sequence, `${at}: sequence`);
        assert.equal(input.valueIn, dcrToAtoms(vin.amountin), `${at}: amountin`);
        assert.equal(input.blockHeight, vin.blockheight, `${at}: blockheight`);
        assert.equal(input.blockIndex, vin.blockindex, `${at}: blockindex`);
        if (vin.coinbase !== undefined || vin.stakebase !== undefined) {
          assert.ok(isNullOutpoint(tx, i), `${at}: null outpoint`);
          assert.equal(toHex(input.sigScript), vin.coinbase ?? vin.stakebase, `${at}: script`);
        } else if (vin.treasurybase === true) {
          assert.ok(isNullOutpoint(tx, i), `${at}: null outpoint`);
          assert.equal(input.sigScript.length, 0, `${at}: empty script`);
        } else {
          assert.equal(hashToDisplay(input.prevHash), vin.txid, `${at}: prev txid`);
          assert.equal(input.prevIndex, vin.vout, `${at}: prev index`);
          assert.equal(input.prevTree, vin.tree, `${at}: prev tree`);
          assert.equal(toHex(input.sigScript), vin.scriptSig?.hex, `${at}: scriptSig`);
        }
      }
    }

    function checkOutputs(tx: Tx, v: TxVerbose, what: string): void {
      assert.equal(tx.outputs.length, v.vout.length, `${what}: output count`);
      const isTicket = stakeTxType(tx) === 'ticket';
      for (const [i, vout] of v.vout.entries()) {
        const out = tx.outputs[i]!;
        const at = `${what} vout ${i}`;
        const spk = vout.scriptPubKey as TxVerbose['vout'][number]['scriptPubKey'] & {
          commitamt?: number;
        };
        assert.equal(vout.n, i);
        assert.equal(out.value, dcrToAtoms(vout.value), `${at}: value`);
        assert.equal(out.version, vout.version, `${at}: script version`);
        assert.equal(toHex(out.pkScript), spk.hex, `${at}: script`);
        if (isTicket && i % 2 === 1) {
          // dcrd reports a ticket's commitments as their own type, with the reward address.
          assert.equal(spk.type, 'sstxcommitment', at);
          const c = decodeCommitment(out.pkScript);
          assert.deepEqual(
            spk.addresses,
            [commitmentAddress(c, SIMNET)],
            `${at}: commitment address`,
          );
          assert.equal(c.amount, dcrToAtoms(spk.commitamt!), `${at}: commitment amount`);
          continue;
        }
        const ours = extractAddresses(out.pkScript, SIMNET, out.version);
        assert.equal(NODE_SCRIPT_TYPE[ours.type], spk.type, `${at}: script type`);
        assert.equal(classifyScript(out.pkScript, out.version).type, ours.type);
        assert.deepEqual(
          ours.addresses.map(encodeAddress),
          spk.addresses ?? [],
          `${at}: addresses`,
        );
        assert.equal(ours.requiredSigs, spk.reqSigs ?? 0, `${at}: required signatures`);
      }
    }

    function checkStakeDetails(
      tx: Tx,
      v: TxVerbose,
      type: StakeTxType,
      parentHash: string,
      height: number,
      what: string,
    ): void {
      switch (type) {
        case 'ticket':
          assert.deepEqual(
            [ticketVotingAddress(tx, SIMNET)],
            v.vout[0]!.scriptPubKey.addresses,
            `${what}: voting address`,
          );
          break;
        case 'vote': {
          const ref = voteBlockRef(tx);
          assert.equal(hashToDisplay(ref.blockHash), parentHash, `${what}: votes on the parent`);
          assert.equal(ref.height, height - 1, `${what}: voted height`);
          assert.equal(hashToDisplay(voteTicketHash(tx)), v.vin[1]!.txid, `${what}: ticket`);
          break;
        }
        case 'revocation':
          assert.equal(hashToDisplay(revocationTicketHash(tx)), v.vin[0]!.txid, `${what}: ticket`);
          if (v.txid === revocationTxid) assert.equal(v.vin[0]!.txid, customerTicket);
          break;
        case 'regular':
        case 'treasuryAdd':
        case 'treasuryBase':
        case 'treasurySpend':
          break;
      }
    }

    it('decodes and hashes the headers of those blocks as getblockheader does', async () => {
      for (const { hash, height } of window) {
        const hex = await sim.dcrd.getBlockHeaderHex(hash);
        const v = await sim.dcrd.getBlockHeader(hash);
        const h = decodeBlockHeader(hex);
        const what = `block ${height}`;
        assert.equal(blockHashDisplay(h), hash, `${what}: hash`);
        assert.equal(toHex(encodeBlockHeader(h)), hex, `${what}: round trip`);
        assert.deepEqual(decodeBlock(await sim.dcrd.getBlockHex(hash)).header, h, `${what}: block`);
        assert.equal(v.hash, hash);
        assert.equal(h.version, v.version, `${what}: version`);
        assert.equal(hashToDisplay(h.prevBlock), v.previousblockhash, `${what}: previous block`);
        assert.equal(hashToDisplay(h.merkleRoot), v.merkleroot, `${what}: merkle root`);
        assert.equal(hashToDisplay(h.stakeRoot), v.stakeroot, `${what}: stake root`);
        assert.equal(h.voteBits, v.votebits, `${what}: vote bits`);
        assert.equal(toHex(h.finalState), v.finalstate, `${what}: final state`);
        assert.equal(h.voters, v.voters, `${what}: voters`);
        assert.equal(h.freshStake, v.freshstake, `${what}: fresh stake`);
        assert.equal(h.revocations, v.revocations, `${what}: revocations`);
        assert.equal(h.poolSize, v.poolsize, `${what}: pool size`);
        assert.equal(h.bits, parseInt(v.bits, 16), `${what}: bits`);
        assert.equal(h.sbits, dcrToAtoms(v.sbits), `${what}: sbits`);
        assert.equal(h.height, v.height, `${what}: height`);
        assert.equal(h.height, height);
        assert.equal(h.size, v.size, `${what}: size`);
        assert.equal(h.timestamp, v.time, `${what}: time`);
        assert.equal(h.nonce, v.nonce, `${what}: nonce`);
        assert.equal(toHex(h.extraData), v.extradata, `${what}: extra data`);
        assert.equal(h.stakeVersion, v.stakeversion, `${what}: stake version`);
      }
      // The revocation's block says so in its header.
      const rev = await sim.dcrd.getRawTransactionVerbose(revocationTxid);
      const revHeader = await sim.dcrd.getBlockHeader(rev.blockhash!);
      assert.ok(revHeader.revocations >= 1);
    });
  },
);
