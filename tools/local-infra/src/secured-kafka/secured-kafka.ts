import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { formatSeconds, progressFor, type Progress } from '../log';
import { freePort } from '../ports';
import { isAlive, logTail, startDaemon, stopProcess } from '../processes';
import { runCommand, which } from '../run-command';
import { kafkaClusterId, kafkaLog4j, provisionKafkaJars } from '../servers/kafka';
import { infraSettings, type InfraSettings } from '../settings';
import { makeTlsMaterial, type TlsMaterial } from './tls-material';

export interface SecuredKafka {
  /** SASL over TLS (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512); the client needs `tls.caFile` to trust it. */
  saslSslBroker: string;
  /** TLS with a required client certificate (mutual TLS). */
  mutualTlsBroker: string;
  plainUser: { username: string; password: string };
  /** Has SCRAM-SHA-256 credentials only. */
  scramUser: { username: string; password: string };
  /** Has SCRAM-SHA-512 credentials only (what the Helm chart and Strimzi users default to). */
  scram512User: { username: string; password: string };
  tls: TlsMaterial;
  pid: number;
  logFile: string;
  /** Stops the broker (by pid) and deletes its directory: certificates, data and log. */
  stop(): Promise<void>;
}

export interface SecuredKafkaOptions {
  settings?: InfraSettings;
  heap?: string;
  readyTimeoutMs?: number;
  progress?: Progress;
}

const secret = () => randomBytes(12).toString('hex');

/**
 * A separate single-node Kafka (KRaft) with no plaintext client listener, in its own temp dir on
 * free ports, from the local infrastructure's cached jars: SASL_SSL with PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512 (the SCRAM users are written at storage format time), and SSL with `ssl.client.auth=required`.
 * Throws with the broker's log tail if it does not start; `stop()` in a `finally` or `afterAll`.
 */
export async function startSecuredKafka(options: SecuredKafkaOptions = {}): Promise<SecuredKafka> {
  const settings = options.settings ?? infraSettings();
  const progress = options.progress ?? progressFor('secured-kafka');
  const java = await which('java');
  if (!java) throw new Error('Java 17+ is needed to run the secured Kafka broker');
  const classpath = await provisionKafkaJars(settings, progress);
  const dir = await mkdtemp(join(tmpdir(), 'eventide-secured-kafka-'));
  let pid: number | undefined;
  const logFile = join(dir, 'kafka.log');
  const stop = async () => {
    if (pid !== undefined) await stopProcess(pid, 10_000);
    process.off('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
  };
  // A test runner that exits without running afterAll must not leave the broker behind.
  const killOnExit = () => {
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  };
  process.on('exit', killOnExit);

  try {
    const [saslSsl, mutualTls, controller] = [await freePort(), await freePort(), await freePort()];
    const tls = await makeTlsMaterial(dir, progress);
    const plainUser = { username: 'alice', password: secret() };
    const scramUser = { username: 'bob', password: secret() };
    const scram512User = { username: 'carol', password: secret() };
    const config = join(dir, 'server.properties');
    const log4j = join(dir, 'log4j.properties');
    await mkdir(join(dir, 'data'));
    await writeFile(log4j, kafkaLog4j);
    await writeFile(
      config,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controller}`,
        `listeners=SASL_SSL://127.0.0.1:${saslSsl},SSL://127.0.0.1:${mutualTls},CONTROLLER://127.0.0.1:${controller}`,
        `advertised.listeners=SASL_SSL://127.0.0.1:${saslSsl},SSL://127.0.0.1:${mutualTls}`,
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=SSL',
        'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL',
        'ssl.keystore.type=PKCS12',
        `ssl.keystore.location=${tls.keystore}`,
        `ssl.keystore.password=${tls.storePassword}`,
        'ssl.truststore.type=PKCS12',
        `ssl.truststore.location=${tls.truststore}`,
        `ssl.truststore.password=${tls.storePassword}`,
        'listener.name.ssl.ssl.client.auth=required',
        'listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
        `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${plainUser.username}="${plainUser.password}";`,
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        `log.dirs=${join(dir, 'data')}`,
        'auto.create.topics.enable=false',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        'num.network.threads=2',
        'num.io.threads=2',
        '',
      ].join('\n'),
    );
    await runCommand(
      java,
      [
        '-Xmx256m', '-XX:TieredStopAtLevel=1', `-Dlog4j.configuration=file:${log4j}`, '-cp', classpath, 'kafka.tools.StorageTool', 'format',
        '-t', kafkaClusterId(), '-c', config,
        '--add-scram', `SCRAM-SHA-256=[name=${scramUser.username},password=${scramUser.password}]`,
        '--add-scram', `SCRAM-SHA-512=[name=${scram512User.username},password=${scram512User.password}]`,
      ],
      { progress, activity: 'formatting the secured broker\'s storage' },
    );
    const heap = options.heap ?? '384m';
    const launch = {
      command: java,
      cwd: dir,
      args: [
        `-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${log4j}`, `-Dkafka.logs.dir=${dir}`, '-cp', classpath, 'kafka.Kafka', config,
      ],
    };
    const started = Date.now();
    pid = (await startDaemon(launch, join(dir, 'pid.json'), logFile, saslSsl)).pid;
    const mutualTlsBroker = `127.0.0.1:${mutualTls}`;
    await waitUntilAnswering(mutualTlsBroker, tls, pid, logFile, options.readyTimeoutMs ?? 45_000);
    progress.info(`secured broker ready (pid ${pid}, ${formatSeconds(Date.now() - started)}): SASL_SSL 127.0.0.1:${saslSsl}, mutual TLS ${mutualTlsBroker}`);
    return { saslSslBroker: `127.0.0.1:${saslSsl}`, mutualTlsBroker, plainUser, scramUser, scram512User, tls, pid, logFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls the mutual-TLS listener with a real metadata request; fails with the log tail if the broker dies or never answers. */
async function waitUntilAnswering(broker: string, tls: TlsMaterial, pid: number, logFile: string, timeoutMs: number): Promise<void> {
  const kafka = new Kafka({
    clientId: 'secured-kafka-probe',
    brokers: [broker],
    ssl: { ca: readFileSync(tls.caFile, 'utf8'), cert: readFileSync(tls.clientCertFile, 'utf8'), key: readFileSync(tls.clientKeyFile, 'utf8') },
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
      lastError = new Error('no broker or controller in metadata yet');
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (!isAlive(pid)) throw new Error(`the secured Kafka broker exited while starting. Last lines of ${logFile}:\n${logTail(logFile, 40)}`);
    if (Date.now() > deadline) {
      throw new Error(`the secured Kafka broker was not ready after ${formatSeconds(timeoutMs)}: ${String(lastError)}\nLast lines of ${logFile}:\n${logTail(logFile, 40)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
