/**
 * Erlang C staffing: how many clerks a queue needs so that `targetServiceLevel` of calls are answered
 * within `targetAnswerSeconds`, given the arrival rate and the average handle time.
 */

/** Probability that a call has to wait, with `agents` clerks and `traffic` erlangs (λ·AHT). */
export function erlangC(agents: number, traffic: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  // Erlang B by the stable recurrence, then C from B.
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return b / (1 - (traffic / agents) * (1 - b));
}

/** Share of calls answered within `targetSeconds`. */
export function serviceLevel(agents: number, traffic: number, handleSeconds: number, targetSeconds: number): number {
  if (traffic <= 0) return 1;
  if (agents <= traffic) return 0;
  return 1 - erlangC(agents, traffic) * Math.exp((-(agents - traffic) * targetSeconds) / handleSeconds);
}

/** Fewest clerks that meet the target (0 when nothing arrives); capped at `max`. */
export function clerksNeeded(
  arrivalsPerSecond: number,
  handleSeconds: number,
  targetSeconds: number,
  targetServiceLevel: number,
  max = 100_000,
): number {
  if (arrivalsPerSecond <= 0 || handleSeconds <= 0) return 0;
  const traffic = arrivalsPerSecond * handleSeconds;
  for (let n = Math.max(1, Math.floor(traffic) + 1); n <= max; n++) {
    if (serviceLevel(n, traffic, handleSeconds, targetSeconds) >= targetServiceLevel) return n;
  }
  return max;
}
