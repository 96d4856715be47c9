// npm run fuzz: the long run of test/fuzz.test.ts. FUZZ_RUNS inputs in all (default 1,000,000),
// split over FUZZ_SHARDS processes (default: one per core), shard i with seed FUZZ_SEED + i. Prints
// each shard's count and seed, how to replay it, and the total; exits 1 if any shard failed.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const total = Number(process.env.FUZZ_RUNS ?? 1_000_000);
const shards = Math.max(1, Number(process.env.FUZZ_SHARDS ?? availableParallelism()));
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 2_000_000_000;
const per = Math.ceil(total / shards);
const started = Date.now();
console.log(`fuzz: ${per * shards} inputs in ${shards} shards of ${per}, seeds ${seed}..${seed + shards - 1}`);

const runs = Array.from(
  { length: shards },
  (_, i) =>
    new Promise((resolve) => {
      const env = { ...process.env, FUZZ_RUNS: String(per), FUZZ_SEED: String(seed + i) };
      const child = spawn('npx', ['vitest', 'run', 'test/fuzz.test.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        // Pass the shards' progress lines through as they come.
        for (const line of String(d)
          .replace(/\x1b\[[0-9;]*m/g, '')
          .split('\n'))
          if (/^fuzz: \d+ of /.test(line)) console.log(`shard ${i}: ${line.slice(6)}`);
      });
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ i, code, out }));
    }),
);

let failed = 0;
for (const r of await Promise.all(runs)) {
  const ok = r.code === 0;
  if (!ok) failed++;
  console.log(
    `shard ${r.i}: ${per} inputs, seed ${seed + r.i}: ${
      ok ? 'passed' : `FAILED (replay: FUZZ_SEED=${seed + r.i} FUZZ_RUNS=${per} ` + `npx vitest run test/fuzz.test.ts)`
    }`,
  );
  if (!ok) console.log(r.out.slice(-6000));
}
const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(
  `fuzz: ${per * shards} inputs, ${failed ? `${failed} shard(s) failed` : 'all invariants held'}, ${minutes} min`,
);
process.exitCode = failed ? 1 : 0;
