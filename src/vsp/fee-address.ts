// Fee addresses: P2PKH of xpub/0/i for the index the store reserves on the active fee xpub.
import { AddressDeriver, InvalidChildError } from '../dcr/hdkey.ts';
import type { NetParams } from '../dcr/params.ts';
import type { FeeXPubStore } from './store.ts';

export interface FeeAddress {
  address: string;
  xpubId: number;
  index: number;
}

export interface FeeAddressSource {
  /** A fresh fee address; each call uses up one index for good, paid for or not. */
  next(): Promise<FeeAddress>;
}

/** vspd gives up after this many consecutive indexes without a valid child. */
const MAX_INVALID_CHILDREN = 3;

/**
 * Fee addresses from the store's reserved indexes. An index whose child key does not exist
 * (odds about 1 in 2^127) is skipped by reserving the next one, as vspd does.
 */
export function feeAddressSource(store: FeeXPubStore, net: NetParams): FeeAddressSource {
  const derivers = new Map<string, AddressDeriver>();
  const deriver = (xpub: string): AddressDeriver => {
    let d = derivers.get(xpub);
    if (d === undefined) {
      d = AddressDeriver.fromString(xpub, net, 0, 'feeXPub');
      derivers.set(xpub, d);
    }
    return d;
  };
  return {
    async next() {
      for (let attempt = 0; attempt <= MAX_INVALID_CHILDREN; attempt++) {
        const r = await store.reserveFeeAddressIndex();
        try {
          const a = deriver(r.xpub).address(r.index);
          if (a !== undefined) return { address: a.address, xpubId: r.xpubId, index: r.index };
        } catch (e) {
          if (!(e instanceof InvalidChildError)) throw e;
        }
      }
      throw new Error(`feeXPub: ${MAX_INVALID_CHILDREN + 1} consecutive invalid children`);
    },
  };
}
