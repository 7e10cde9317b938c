// Per-network constants (dcrd chaincfg, dcrwallet netparams, vspd internal/config). Network names
// follow chaincfg: mainnet, testnet3, simnet, regnet.
import { fromHex } from './bytes.ts';

export type NetworkName = 'mainnet' | 'testnet3' | 'simnet' | 'regnet';

export const NETWORK_NAMES: readonly NetworkName[] = ['mainnet', 'testnet3', 'simnet', 'regnet'];

export interface NetParams {
  readonly name: NetworkName;
  /** wire.CurrencyNet, the P2P magic. */
  readonly wireMagic: number;
  /** dcrd P2P port. */
  readonly defaultPort: number;
  /** dcrd JSON-RPC port. */
  readonly dcrdRpcPort: number;
  /** dcrwallet JSON-RPC and gRPC ports (dcrwallet has no regnet network). */
  readonly walletRpcPort: number | null;
  readonly walletGrpcPort: number | null;

  /** 2-byte base58check versions. */
  readonly pubKeyAddrId: Uint8Array; // Dk
  readonly pubKeyHashAddrId: Uint8Array; // Ds
  readonly pkhEdwardsAddrId: Uint8Array; // De
  readonly pkhSchnorrAddrId: Uint8Array; // DS
  readonly scriptHashAddrId: Uint8Array; // Dc
  readonly privateKeyId: Uint8Array; // Pm (WIF)
  /** 4-byte extended key versions. */
  readonly hdPrivateKeyId: Uint8Array; // dprv
  readonly hdPublicKeyId: Uint8Array; // dpub
  readonly slip44CoinType: number;
  readonly legacyCoinType: number;

  // Stake parameters.
  readonly ticketPoolSize: number;
  readonly ticketsPerBlock: number;
  readonly ticketPoolSizeWeight: number;
  readonly ticketMaturity: number;
  readonly ticketExpiry: number;
  readonly coinbaseMaturity: number;
  readonly sstxChangeMaturity: number;
  readonly stakeDiffWindowSize: number;
  readonly maxFreshStakePerBlock: number;
  readonly stakeEnabledHeight: number;
  readonly stakeValidationHeight: number;
  readonly minimumStakeDiff: bigint;
  readonly ruleChangeActivationInterval: number;
  /** Signature script of a vote's stakebase input. */
  readonly stakeBaseSigScript: Uint8Array;
  /** Vote version dcrwallet writes into vote-bits outputs on this network. */
  readonly voteVersion: number;
  /** dcrd mempool MaxVoteAge: how many blocks old the voted-on block may be. */
  readonly maxVoteAge: number;
  /** Mempool accepts non-standard transactions by default. */
  readonly acceptNonStdTxs: boolean;

  // Subsidy parameters.
  readonly blockOneSubsidy: bigint;
  readonly baseSubsidy: bigint;
  readonly mulSubsidy: bigint;
  readonly divSubsidy: bigint;
  readonly subsidyReductionInterval: number;
  readonly workRewardProportion: number;
  readonly stakeRewardProportion: number;
  readonly blockTaxProportion: number;

  /**
   * Activation heights of DCP-0010 / DCP-0012 (subsidy splits) as vspd hard-codes them for its
   * fee calculation; null where the agenda is not known to be active at any height (regnet).
   */
  readonly dcp0005Height: number | null;
  readonly dcp0010Height: number | null;
  readonly dcp0012Height: number | null;

  readonly targetTimePerBlockSeconds: number;
  /** Genesis block hash, display order. */
  readonly genesisHash: string;
}

interface Ids {
  pk: string;
  pkh: string;
  ed: string;
  schnorr: string;
  sh: string;
  wif: string;
  hdPriv: string;
  hdPub: string;
}

function ids(i: Ids) {
  return {
    pubKeyAddrId: fromHex(i.pk),
    pubKeyHashAddrId: fromHex(i.pkh),
    pkhEdwardsAddrId: fromHex(i.ed),
    pkhSchnorrAddrId: fromHex(i.schnorr),
    scriptHashAddrId: fromHex(i.sh),
    privateKeyId: fromHex(i.wif),
    hdPrivateKeyId: fromHex(i.hdPriv),
    hdPublicKeyId: fromHex(i.hdPub),
  };
}

const common = {
  ticketsPerBlock: 5,
  ticketPoolSizeWeight: 4,
  sstxChangeMaturity: 1,
  maxFreshStakePerBlock: 20,
  mulSubsidy: 100n,
  divSubsidy: 101n,
  workRewardProportion: 6,
  stakeRewardProportion: 3,
  blockTaxProportion: 1,
} as const;

const mainnet: NetParams = Object.freeze({
  ...common,
  name: 'mainnet',
  wireMagic: 0xd9b400f9,
  defaultPort: 9108,
  dcrdRpcPort: 9109,
  walletRpcPort: 9110,
  walletGrpcPort: 9111,
  ...ids({
    pk: '1386',
    pkh: '073f',
    ed: '071f',
    schnorr: '0701',
    sh: '071a',
    wif: '22de',
    hdPriv: '02fda4e8',
    hdPub: '02fda926',
  }),
  slip44CoinType: 42,
  legacyCoinType: 20,
  ticketPoolSize: 8192,
  ticketMaturity: 256,
  ticketExpiry: 40960,
  coinbaseMaturity: 256,
  stakeDiffWindowSize: 144,
  stakeEnabledHeight: 512,
  stakeValidationHeight: 4096,
  minimumStakeDiff: 200000000n,
  ruleChangeActivationInterval: 8064,
  stakeBaseSigScript: Uint8Array.of(0x00, 0x00),
  voteVersion: 11,
  maxVoteAge: 256,
  acceptNonStdTxs: false,
  blockOneSubsidy: 168000000000000n,
  baseSubsidy: 3119582664n,
  subsidyReductionInterval: 6144,
  dcp0005Height: 431488,
  dcp0010Height: 657280,
  dcp0012Height: 794368,
  targetTimePerBlockSeconds: 300,
  genesisHash: '298e5cc3d985bfe7f81dc135f360abe089edd4396b86d2de66b0cef42b21d980',
});

const testnet3: NetParams = Object.freeze({
  ...common,
  name: 'testnet3',
  wireMagic: 0xb194aa75,
  defaultPort: 19108,
  dcrdRpcPort: 19109,
  walletRpcPort: 19110,
  walletGrpcPort: 19111,
  ...ids({
    pk: '28f7',
    pkh: '0f21',
    ed: '0f01',
    schnorr: '0ee3',
    sh: '0efc',
    wif: '230e',
    hdPriv: '04358397',
    hdPub: '043587d1',
  }),
  slip44CoinType: 1,
  legacyCoinType: 11,
  ticketPoolSize: 1024,
  ticketMaturity: 16,
  ticketExpiry: 6144,
  coinbaseMaturity: 16,
  stakeDiffWindowSize: 144,
  stakeEnabledHeight: 32,
  stakeValidationHeight: 768,
  minimumStakeDiff: 20000000n,
  ruleChangeActivationInterval: 5040,
  stakeBaseSigScript: Uint8Array.of(0x00, 0x00),
  voteVersion: 12,
  maxVoteAge: 1440,
  acceptNonStdTxs: true,
  blockOneSubsidy: 10000000000000n,
  baseSubsidy: 2500000000n,
  subsidyReductionInterval: 2048,
  dcp0005Height: 323328,
  dcp0010Height: 877728,
  dcp0012Height: 1170048,
  targetTimePerBlockSeconds: 120,
  genesisHash: 'a649dce53918caf422e9c711c858837e08d626ecfcd198969b24f7b634a49bac',
});

/** Simnet and regnet share their stake and subsidy parameters (dcrd chaincfg). */
const testChainStake = {
  ticketPoolSize: 64,
  ticketMaturity: 16,
  ticketExpiry: 384,
  coinbaseMaturity: 16,
  stakeDiffWindowSize: 8,
  stakeEnabledHeight: 32,
  stakeValidationHeight: 144,
  minimumStakeDiff: 20000n,
  ruleChangeActivationInterval: 320,
  maxVoteAge: 16,
  acceptNonStdTxs: true,
  blockOneSubsidy: 30000000000000n,
  baseSubsidy: 50000000000n,
  subsidyReductionInterval: 128,
  targetTimePerBlockSeconds: 1,
} as const;

const simnet: NetParams = Object.freeze({
  ...common,
  ...testChainStake,
  name: 'simnet',
  wireMagic: 0x12141c16,
  defaultPort: 18555,
  dcrdRpcPort: 19556,
  walletRpcPort: 19557,
  walletGrpcPort: 19558,
  ...ids({
    pk: '276f',
    pkh: '0e91',
    ed: '0e71',
    schnorr: '0e53',
    sh: '0e6c',
    wif: '2307',
    hdPriv: '0420b903',
    hdPub: '0420bd3d',
  }),
  slip44CoinType: 1,
  legacyCoinType: 115,
  stakeBaseSigScript: Uint8Array.of(0x00, 0x00),
  voteVersion: 12,
  // Every simnet agenda is forced active.
  dcp0005Height: 1,
  dcp0010Height: 1,
  dcp0012Height: 1,
  genesisHash: '6bef82c645999585f7255cb02672921ac2f5492820090cd635fe3a59d16b4f87',
});

const regnet: NetParams = Object.freeze({
  ...common,
  ...testChainStake,
  name: 'regnet',
  wireMagic: 0xdab500fa,
  defaultPort: 18655,
  dcrdRpcPort: 18656,
  walletRpcPort: null,
  walletGrpcPort: null,
  ...ids({
    pk: '25e5',
    pkh: '0e00',
    ed: '0de0',
    schnorr: '0dc2',
    sh: '0ddb',
    wif: '22fe',
    hdPriv: 'eab40448',
    hdPub: 'eab4f987',
  }),
  slip44CoinType: 1,
  legacyCoinType: 1,
  stakeBaseSigScript: Uint8Array.of(0x73, 0x57),
  voteVersion: 1,
  dcp0005Height: null,
  dcp0010Height: null,
  dcp0012Height: null,
  genesisHash: '2ced94b4ae95bba344cfa043268732d230649c640f92dce2d9518823d3057cb0',
});

export const NETWORKS: Readonly<Record<NetworkName, NetParams>> = Object.freeze({
  mainnet,
  testnet3,
  simnet,
  regnet,
});

/** Params by chaincfg name; throws a RangeError naming the field for an unknown network. */
export function netParams(name: string, field = 'network'): NetParams {
  if (Object.hasOwn(NETWORKS, name)) return NETWORKS[name as NetworkName];
  throw new RangeError(
    `${field}: unknown network "${name}" (expected ${NETWORK_NAMES.join(', ')})`,
  );
}
