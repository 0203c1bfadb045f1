// Durations printed as Go's time.Duration String() does, which is how kubelet messages show them
// ("back-off 10s", "in 1.5s", "in 312µs", "5m0s").
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1) {
    const us = rest * 1000;
    out = us < 1 ? `${Math.round(us * 1000)}ns` : `${trim(us)}µs`;
  } else if (rest < 1000) {
    out = `${trim(rest)}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = trim(rest / 1000);
    out = h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}

function trim(n: number): string {
  return String(Number(n.toFixed(3)));
}
