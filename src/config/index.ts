// stakepool configuration: one schema (schema.ts) → readers → derive → validate → freeze.
export {
  CHAIN_NETWORKS,
  DATABASE_ENGINES,
  OBSOLETE_OPTIONS,
  OPTION_KEYS,
  ROLES,
  SCHEMA,
  SWITCHES,
  aliasesOf,
  describeDefault,
  envName,
  optionDef,
  validFeeRate,
} from './schema.ts';
export type {
  AnyOptionDef,
  ChainNetwork,
  DatabaseEngine,
  DeriveContext,
  Face,
  Group,
  Kind,
  LogLevel,
  ObsoleteOption,
  OptionDef,
  OptionKey,
  OptionValues,
  Role,
  Upstream,
  UpstreamFile,
} from './schema.ts';
export { describeSource, readEnv, readFlags, readIni } from './readers.ts';
export type { Assignment, ConfigProblem, ConfigSource, ReadResult } from './readers.ts';
export { ConfigError, deepFreeze, loadConfig, parseScalarOrList } from './load.ts';
export type {
  Config,
  ConfigFs,
  ConfigSources,
  DatabaseSettings,
  DerivedConfig,
  LoadOptions,
  LoadResult,
  RpcEndpoint,
} from './load.ts';
export { REDACTED, redactConfig, redactUrl } from './redact.ts';
export { configDocsTables, configHelp, defaultConfigText, writeDefaultConfig } from './write.ts';
export type { DefaultConfigOptions, WritableConfigFs } from './write.ts';
export { formatDuration, parseDuration, parseListen } from './values.ts';
export type { Env, ListenAddress } from './values.ts';
