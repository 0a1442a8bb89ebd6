import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { runCommand, which } from '../run-command';
import { versions, type InfraSettings } from '../settings';
import type { ManagedServer } from './managed-server';
import type { Progress } from '../log';

const pom = (kafka: string, scala: string) => `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.eventide</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_${scala}</artifactId><version>${kafka}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-storage</artifactId><version>${kafka}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
`;

/** Broker logging to stdout (the managed process's log file), INFO with the noisiest loggers at WARN. */
export const kafkaLog4j = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka=INFO',
  'log4j.logger.org.apache.kafka=INFO',
  'log4j.logger.state.change.logger=WARN',
  'log4j.logger.kafka.request.logger=WARN',
  '',
].join('\n');

/** KRaft wants a base64url UUID that does not start with a dash. */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Fetches the Kafka broker jars from Maven Central once into the shared cache and returns the
 * classpath (`<cache>/kafka-<version>/libs/*`); later calls reuse what is there.
 */
export async function provisionKafkaJars(settings: InfraSettings, progress: Progress): Promise<string> {
  const { kafka: kafkaVersion, scala } = versions;
  const home = join(settings.cacheDir, `kafka-${kafkaVersion}`);
  const libs = join(home, 'libs');
  const classpath = `${libs}/*`;
  if (existsSync(join(libs, '.complete'))) return classpath;
  const mvn = await which('mvn');
  if (!mvn) throw new Error('Maven (mvn) is needed once to fetch the Kafka jars from Maven Central; install it or set KAFKA_BROKERS');
  progress.info(`fetching Apache Kafka ${kafkaVersion} jars from Maven Central into ${libs}`);
  const staging = `${libs}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'pom.xml'), pom(kafkaVersion, scala));
  let jars = 0;
  await runCommand(
    mvn,
    ['-B', '-f', join(home, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
    {
      progress,
      activity: 'downloading Kafka jars',
      echo: (line) => {
        const jar = line.match(/Downloaded from \S+: \S+\/([^/\s]+\.jar) \(([^)]*)\)/);
        if (!jar) return undefined;
        jars += 1;
        return `downloaded ${jar[1]} (${jar[2]?.split(' at ')[0]}), ${jars} jars so far`;
      },
    },
  );
  await writeFile(join(staging, '.complete'), new Date().toISOString());
  await rm(libs, { recursive: true, force: true });
  await rename(staging, libs);
  return classpath;
}

/** Apache Kafka as one KRaft node (broker and controller in one JVM), from Maven Central jars. */
export function kafkaServer(settings: InfraSettings): ManagedServer {
  const { kafka: kafkaVersion } = versions;
  const port = settings.ports.kafka;
  const dir = join(settings.stateDir, 'kafka');
  const dataDir = join(dir, 'data');
  const config = join(dir, 'server.properties');
  const log4j = join(dir, 'log4j.properties');

  return {
    name: 'kafka',
    envVar: 'KAFKA_BROKERS',
    port,
    localUrl: `127.0.0.1:${port}`,
    readyTimeoutMs: 120_000,
    stopGraceMs: 30_000,
    async prepare(progress) {
      const java = await which('java');
      if (!java) throw new Error('Java 17+ is needed to run Kafka locally; install it or set KAFKA_BROKERS');
      const classpath = await provisionKafkaJars(settings, progress);
      await mkdir(dataDir, { recursive: true });
      await writeFile(
        config,
        [
          'process.roles=broker,controller',
          'node.id=1',
          `controller.quorum.voters=1@127.0.0.1:${settings.ports.kafkaController}`,
          // FAULTS is for network-fault tests (tools/chaos): it advertises the port of a TCP fault
          // proxy placed in front of it, so clients that bootstrap through the proxy stay behind it.
          `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${settings.ports.kafkaController},FAULTS://127.0.0.1:${settings.ports.kafkaFaults}`,
          `advertised.listeners=PLAINTEXT://127.0.0.1:${port},FAULTS://127.0.0.1:${settings.ports.kafkaFaultsProxy}`,
          'controller.listener.names=CONTROLLER',
          'inter.broker.listener.name=PLAINTEXT',
          'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,FAULTS:PLAINTEXT',
          `log.dirs=${dataDir}`,
          // Topics are created by the services with their configured partition counts.
          'auto.create.topics.enable=false',
          'num.partitions=1',
          'offsets.topic.replication.factor=1',
          'offsets.topic.num.partitions=8',
          'transaction.state.log.replication.factor=1',
          'transaction.state.log.min.isr=1',
          'transaction.state.log.num.partitions=4',
          'group.initial.rebalance.delay.ms=0',
          'num.network.threads=2',
          'num.io.threads=4',
          'log.retention.hours=168',
          '',
        ].join('\n'),
      );
      await writeFile(log4j, kafkaLog4j);
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        progress.info('formatting KRaft storage');
        await runCommand(
          java,
          ['-Xmx256m', `-Dlog4j.configuration=file:${log4j}`, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', config, '--ignore-formatted'],
          { progress, activity: 'formatting Kafka storage' },
        );
      }
      return {
        description: `Apache Kafka ${kafkaVersion} (KRaft, heap ${settings.kafkaHeap})`,
        command: java,
        cwd: dir,
        args: [
          `-Xms${settings.kafkaHeap}`,
          `-Xmx${settings.kafkaHeap}`,
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-Djava.awt.headless=true',
          `-Dlog4j.configuration=file:${log4j}`,
          `-Dkafka.logs.dir=${dir}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          config,
        ],
      };
    },
    async probe(url) {
      const kafka = new Kafka({
        clientId: 'local-infra-probe',
        brokers: url.split(','),
        logLevel: logLevel.NOTHING,
        connectionTimeout: 2000,
        requestTimeout: 5000,
        retry: { retries: 0 },
      });
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0 || cluster.controller === null) throw new Error('no broker or controller in metadata yet');
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
