// Starts the real .NET sample host (samples/FlowStream.Sample, built by `dotnet build`) on a free loopback port for the
// integration and browser tests, and stops it afterwards.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The built sample: FLOWSTREAM_SAMPLE_DLL, else the Debug build `dotnet build` leaves. */
export function sampleDll() {
  return process.env.FLOWSTREAM_SAMPLE_DLL ?? `${repoRoot}samples/FlowStream.Sample/bin/Debug/net10.0/FlowStream.Sample.dll`;
}

/** Why the host cannot start here, or null. Under CI=true a missing build is a failure, not a skip. */
export function hostMissingReason() {
  if (existsSync(sampleDll())) return null;
  const reason = `The sample host is not built (${sampleDll()}): run \`dotnet build samples/FlowStream.Sample\` first.`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(reason);
  return reason;
}

/**
 * Starts the host with no Gemini key and waits for its address.
 * @returns {Promise<{ url: string, stop: () => Promise<void>, output: () => string }>}
 */
export async function startSampleHost() {
  const env = { ...process.env, ASPNETCORE_ENVIRONMENT: 'Development', DOTNET_NOLOGO: '1' };
  delete env.GEMINI_API_KEY; // the Gemini flow must show "API key not configured"
  delete env.FlowStream__Gemini__ApiKey;
  const child = spawn('dotnet', [sampleDll(), '--urls', 'http://127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The sample host did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /open (http:\/\/[^\s]+) in a browser/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The sample host exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }),
  };
}
