// JSON-RPC error codes dcrd and dcrwallet send (dcrd dcrjson/jsonrpcerr.go), and the error types
// the RPC clients throw. Several codes share a number (dcrd reuses -5 for "not found" cases), so
// callers match on the code and, where needed, the message.

export const RpcErrorCode = {
  Misc: -1,
  ForbiddenBySafeMode: -2,
  Type: -3,
  Wallet: -4,
  /** Also "no information for transaction" and "block not found". */
  InvalidAddressOrKey: -5,
  NoTxInfo: -5,
  BlockNotFound: -5,
  WalletInsufficientFunds: -6,
  OutOfMemory: -7,
  InvalidParameter: -8,
  ClientNotConnected: -9,
  ClientInInitialDownload: -10,
  WalletInvalidAccountName: -11,
  WalletKeypoolRanOut: -12,
  WalletUnlockNeeded: -13,
  WalletPassphraseIncorrect: -14,
  WalletWrongEncState: -15,
  WalletEncryptionFailed: -16,
  WalletAlreadyUnlocked: -17,
  Database: -20,
  Deserialization: -22,
  Verify: -25,
  InvalidState: -26,
  Cancel: -27,
  /** sendrawtransaction: already in the mempool or the chain; wallets treat it as success. */
  DuplicateTx: -40,
  ReconsiderFailure: -50,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  Parse: -32700,
} as const;

/** An error the node returned for a call: carries its numeric code. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  readonly code: number;
  readonly method: string;

  constructor(code: number, message: string, method: string) {
    super(`${method}: ${message} (code ${code})`);
    this.code = code;
    this.method = method;
  }

  /** The node's own message, without the method prefix and code suffix. */
  get nodeMessage(): string {
    return this.message.slice(this.method.length + 2).replace(/ \(code -?\d+\)$/, '');
  }
}

/** The call never got an answer: not connected, timed out, aborted, or the connection closed. */
export class RpcConnectionError extends Error {
  override readonly name = 'RpcConnectionError';
}

/** The node is reachable but unusable: wrong version, wrong network, txindex off, bad auth. */
export class RpcSetupError extends Error {
  override readonly name = 'RpcSetupError';
}

export function isRpcError(e: unknown, code?: number): e is RpcError {
  return e instanceof RpcError && (code === undefined || e.code === code);
}

/** dcrd's mempool message for a tx whose input is unknown or already spent. */
export const ORPHAN_TX_MESSAGE =
  /orphan transaction \w+ references output \w+:\d+ of unknown or fully-spent transaction/;
