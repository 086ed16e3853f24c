/** The deterministic event simulator behind `sel104 simulate`. */
export { estimateEvents, simulate, type SimulateOptions } from './simulate.ts';
export { ROSKILDE_82A_DATE } from './profiles.ts';
