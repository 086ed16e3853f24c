import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, payload?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, setTotal() {}, stop() {} };

/** A progress bar on stderr when it is a terminal; silent otherwise (pipes, CI, tests). */
export function progressBar(label: string, total: number, unit: string): Progress {
  if (!process.stderr.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? Math.round(v).toLocaleString('en-US') : String(v)),
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (value, payload) => bar.update(value, payload),
    setTotal: (t) => bar.setTotal(t),
    stop: () => bar.stop(),
  };
}
