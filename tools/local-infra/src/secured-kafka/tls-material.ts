import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Progress } from '../log';
import { runCommand, which } from '../run-command';

/** PEM files a client uses, and the PKCS12 stores the broker reads. All throwaway, valid for a day. */
export interface TlsMaterial {
  /** The CA that signed the broker's and the client's certificates. */
  caFile: string;
  /** A CA nobody here trusts, and a client certificate it signed. */
  otherCaFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  strangerCertFile: string;
  strangerKeyFile: string;
  keystore: string;
  truststore: string;
  storePassword: string;
}

/**
 * Makes a CA, a broker certificate for 127.0.0.1 and localhost, a client certificate for mutual
 * TLS, and a second CA with its own client certificate, with `openssl`; then the broker's PKCS12
 * keystore (openssl) and truststore (`keytool`, as Java wants a trusted-certificate entry).
 */
export async function makeTlsMaterial(dir: string, progress: Progress): Promise<TlsMaterial> {
  const openssl = await which('openssl');
  const keytool = await which('keytool');
  if (!openssl || !keytool) throw new Error('openssl and keytool (from the JDK) are needed to make the secured broker\'s certificates');
  const path = (name: string) => join(dir, name);
  const run = (command: string, args: string[], activity: string) => runCommand(command, args, { progress, activity, cwd: dir });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  const makeCa = (name: string) => run(openssl, ['req', '-x509', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=eventide-test-${name}`], `making ${name}`);
  const makeLeaf = async (name: string, ca: string, extensions: string) => {
    await writeFile(path(`${name}.ext`), extensions);
    await run(openssl, ['req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=eventide-test-${name}`], `making ${name}'s key`);
    await run(
      openssl,
      ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '1', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`],
      `signing ${name}'s certificate`,
    );
  };
  const clientExtensions = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';

  await Promise.all([makeCa('ca'), makeCa('other-ca')]);
  await Promise.all([
    // The broker's certificate also serves as its client certificate on the mutual-TLS inter-broker listener.
    makeLeaf('broker', 'ca', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n'),
    makeLeaf('client', 'ca', clientExtensions),
    makeLeaf('stranger', 'other-ca', clientExtensions),
  ]);

  const storePassword = randomBytes(12).toString('hex');
  await Promise.all([
    run(openssl, ['pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem', '-name', 'broker', '-out', 'keystore.p12', '-passout', `pass:${storePassword}`], 'making the broker keystore'),
    run(keytool, ['-importcert', '-noprompt', '-alias', 'eventide-test-ca', '-file', 'ca.pem', '-keystore', 'truststore.p12', '-storetype', 'PKCS12', '-storepass', storePassword], 'making the broker truststore'),
  ]);
  return {
    caFile: path('ca.pem'),
    otherCaFile: path('other-ca.pem'),
    clientCertFile: path('client.pem'),
    clientKeyFile: path('client.key'),
    strangerCertFile: path('stranger.pem'),
    strangerKeyFile: path('stranger.key'),
    keystore: path('keystore.p12'),
    truststore: path('truststore.p12'),
    storePassword,
  };
}
