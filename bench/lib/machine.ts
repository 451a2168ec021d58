// What the figures were measured on.
import { cpus, totalmem } from 'node:os';

export interface Machine {
  cores: number;
  cpuModel: string;
  node: string;
  memoryGb: number;
}

export function machine(): Machine {
  const list = cpus();
  return { cores: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown', node: process.version, memoryGb: Math.round(totalmem() / 1e9) };
}
