/**
 * The notice on every page of a database that holds the simulator's events (the demo of
 * `sel104 serve --demo`, `sel104 simulate`): its figures are simulated, and its first weeks hold
 * the applications of the citizens who already had an offer when the simulation begins
 * (producers/simulator/simulate.ts), so the first quarter stands out on every chart over time.
 */
const TEXT = {
  da: 'Demodata: hændelserne er simulerede, ikke rigtige sager. Simuleringen begynder med de borgere, der allerede har et tilbud; de søger i de første uger, så det første kvartal står højt.',
  en: 'Demo data: the events are simulated, not real cases. The simulation begins with the citizens who already have an offer; they apply in its first weeks, so the first quarter stands out.',
} as const;

export const DEMO_NOTICE_CSS = '.demo { background: #fff4ce; border-left: 4px solid #937400; padding: .5rem .8rem; margin: .8rem 0; }';

export const demoNotice = (lang: 'da' | 'en'): string => `<p class="demo" role="note">${TEXT[lang]}</p>`;
