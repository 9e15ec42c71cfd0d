/**
 * Runs benchmark.js cases one after another in one Suite and turns each into
 * a CaseFigure. Case functions close over their inputs, so benchmark.js
 * calls them instead of decompiling them (no setup or teardown is passed).
 */
import Benchmark from "benchmark";

import { median } from "./stats.js";
import type { CaseFigure, SuiteFigure } from "./results.js";

export interface MicroCase {
  name: string;
  fn: () => unknown;
  bytesPerOp?: number;
}

export interface MicroSuiteSpec {
  suite: string;
  title: string;
  operation: string;
  /** Name of the case that ratios are computed against. */
  baseline: string;
  cases: MicroCase[];
}

/** benchmark.js sampling limits: seconds per case and the minimum sample count. */
export interface SampleSettings {
  maxTime: number;
  minSamples: number;
}

/** Result of the last case call, stored so the JIT cannot drop the calls as dead code. */
let sink: unknown;

export function runMicroSuite(
  spec: MicroSuiteSpec,
  settings: SampleSettings,
  progress: (line: string) => void,
): Promise<SuiteFigure> {
  const suite = new Benchmark.Suite(spec.title);
  for (const micro of spec.cases) {
    suite.add(micro.name, () => {
      sink = micro.fn();
    }, { maxTime: settings.maxTime, minSamples: settings.minSamples });
  }
  return new Promise((resolve, reject) => {
    suite.on("cycle", (event: Benchmark.Event) => {
      progress(`  ${String(event.target)}`);
    });
    suite.on("error", (event: Benchmark.Event) => {
      const target = event.target as unknown as Benchmark;
      reject(new Error(`Benchmark case "${String(target.name)}" of ${spec.suite} failed: ${String(target.error)}`));
    });
    suite.on("complete", () => {
      const benches = suite.map((bench: Benchmark) => bench) as Benchmark[];
      resolve({ ...spec, cases: benches.map((bench, index) => toCaseFigure(bench, spec.cases[index])) });
    });
    suite.run({ async: true });
  });
}

function toCaseFigure(bench: Benchmark, micro: MicroCase | undefined): CaseFigure {
  const figure: CaseFigure = {
    name: String(bench.name),
    opsPerSecond: bench.hz,
    rmePercent: bench.stats.rme,
    medianMs: median(bench.stats.sample) * 1000,
    samples: bench.stats.sample.length,
  };
  if (micro?.bytesPerOp !== undefined) figure.bytesPerOp = micro.bytesPerOp;
  return figure;
}

