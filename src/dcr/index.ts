// Public surface of the Decred primitives library: pure functions, no I/O.
export * from './bytes.ts';
export * from './hash.ts';
export * from './base58.ts';
export * from './params.ts';
export * from './tx.ts';
export * from './block.ts';
export * from './script.ts';
export * from './address.ts';
export * from './wif.ts';
export * from './amounts.ts';
export * from './stake.ts';
export * from './hdkey.ts';
export * from './message.ts';
export * from './sighash.ts';
export * from './sign.ts';
export * from './vote.ts';
