import { toSel104Error } from '../schemas/errors.ts';
import type { KafkaPositions } from './kafkaProjector.ts';

/** What the supervisor needs of a projector (KafkaProjector has it). */
export interface SupervisedProjector {
  start(): Promise<void>;
  stop(): Promise<void>;
  positions(): Promise<KafkaPositions>;
  /** Settles when the projector stops: by stop(), or rejected by a failure. */
  readonly done: Promise<void>;
}

export interface ProjectorHealth extends KafkaPositions {
  /** Why no projector runs (a failure, or Kafka not reached yet); undefined while one runs. */
  problem?: string;
}

/**
 * Keeps the server's in-process projector running. A projector that cannot join at start, or
 * that stops on a failure later (a consumer crash, a database write that failed), is said on
 * stderr once, reported by `health()` (so /healthz says so), and replaced by a new one every
 * `retryMs` until one runs: a server must not go on accepting events that never reach its
 * dashboards without a word. The new projector resumes from the offsets DuckDB stored.
 */
export class ProjectorSupervisor {
  private current: SupervisedProjector | undefined;
  private problem: string | undefined = 'the projector has not joined its group yet';
  private closing = false;
  private timer: NodeJS.Timeout | undefined;
  private lastPositions: KafkaPositions = { available: false, logPosition: 0, projectionPosition: 0, lag: 0 };

  constructor(
    private readonly make: () => SupervisedProjector,
    private readonly say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    private readonly retryMs = 5_000,
  ) {}

  /** Starts the first projector; resolves once it runs or its first attempt failed (retries follow). */
  async start(): Promise<void> {
    await this.launch(true);
  }

  private async launch(first: boolean): Promise<void> {
    if (this.closing) return;
    const projector = (this.current = this.make());
    projector.done.then(
      () => undefined,
      (err: unknown) => {
        if (this.closing || projector !== this.current) return;
        this.failedWith(`the projector stopped: ${toSel104Error(err).message}`);
      },
    );
    try {
      await projector.start();
      if (this.problem !== undefined && !first) this.say('sel104: projector running again');
      this.problem = undefined;
    } catch (err) {
      const e = toSel104Error(err);
      // (a start that failed for any other reason than Kafka being away is a failure at start)
      if (first && e.code !== 'SEL104_ERR_LOG_UNAVAILABLE') throw e;
      this.failedWith(first ? `${e.message}; serving what the projection holds` : `the projector could not start again: ${e.message}`);
    }
  }

  private failedWith(problem: string): void {
    if (this.timer) return; // a retry is on its way
    this.problem = problem;
    this.say(`sel104: ${problem}; trying again every ${this.retryMs / 1000} s`);
    const old = this.current;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void old?.stop().catch(() => undefined).then(() => this.launch(false));
    }, this.retryMs);
    this.timer.unref();
  }

  /** Where the log and the projection stand, and why no projector runs, if none does. */
  async health(): Promise<ProjectorHealth> {
    if (this.current) this.lastPositions = await this.current.positions();
    return this.problem === undefined ? this.lastPositions : { ...this.lastPositions, problem: this.problem };
  }

  async stop(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    await this.current?.stop();
  }
}
