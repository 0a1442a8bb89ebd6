export { up, down, status, clean, allServers, type UpResult, type ConnectionEnv, type ServerState } from './manager';
export { infraCli } from './cli';
export { infraSettings, versions, type InfraSettings } from './settings';
export { isAlive, stopProcess } from './processes';
export { isPortOpen } from './ports';
export { progressFor, formatSeconds } from './log';
export { runCommand, capture, which } from './run-command';
