import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Area, ComposedChart, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { HISTORY_RANGE_S } from '../../../shared/status/schema';
import { compactNumber } from '../../parts/format';
import { tickLabel, timeTicks } from '../../parts/timeTicks';
import { useSeries, type HistoryRange } from './useSeries';

// One graph of a host's history: per metric the average as a line, and min–max as a band for a
// graph of one metric. It asks for as many points as it is pixels wide, so 30 days draws as fast
// as one hour.

const COLORS = ['var(--accent)', 'var(--ok)', 'var(--warning)', 'var(--unknown)', 'var(--critical)'];
const HEIGHT = 140;
/** Room right of the plot for half of a time label ("12:45:30" at 10 px), so a tick at the
 * right edge is not cut. */
const LABEL_HALF_WIDTH = 24;
const Y_AXIS_WIDTH = 42;

export interface ChartSpec {
  title: string;
  metrics: string[];
  unit: string;
  /** Short label per metric (default: the metric's name after its colon). */
  label?: (metric: string) => string;
  max?: number;
}

export function MetricChart({ host, spec, range }: { host: string; spec: ChartSpec; range: HistoryRange }): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    observer.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => observer.disconnect();
  }, []);
  const plotWidth = Math.max(0, width - Y_AXIS_WIDTH - LABEL_HALF_WIDTH);
  const { series, error } = useSeries(host, spec.metrics, range, plotWidth);
  const label = spec.label ?? ((m: string) => m.split(':').slice(1).join(':') || m);

  // One row per time, a column per metric: avg and [min, max].
  const rows = new Map<number, Record<string, number | [number, number]>>();
  for (const s of series ?? []) {
    for (const [t, avg, min, max] of s.points) {
      const row = rows.get(t) ?? { t };
      row[`${s.metric}:avg`] = avg;
      row[`${s.metric}:band`] = [min, max];
      rows.set(t, row);
    }
  }
  const data = [...rows.values()].sort((a, b) => (a.t as number) - (b.t as number));
  // The axis spans the whole range picked, not just the data there is: a few minutes of history
  // on the 24 h graph are a few minutes wide. Round times for the labels, about one per 70 px.
  const to = Math.max(Date.now(), (data.at(-1)?.t as number | undefined) ?? 0);
  const from = to - HISTORY_RANGE_S[range] * 1000;
  const axis = timeTicks(from, to, plotWidth / 70);
  const points = series?.reduce((n, s) => n + s.points.length, 0) ?? 0;

  return (
    <figure className="chart" data-testid="metric-chart" data-metric={spec.title} data-points={points} data-span-ms={to - from}>
      <figcaption>
        {spec.title} <span className="muted">{spec.unit}</span>
        {spec.metrics.length > 1 ? (
          <span className="chart-legend">
            {spec.metrics.map((m, i) => (
              <span key={m} style={{ color: COLORS[i % COLORS.length] }}>
                ● {label(m)}
              </span>
            ))}
          </span>
        ) : null}
      </figcaption>
      <div ref={box} className="chart-box">
        {error ? <p className="muted chart-note">{error}</p> : null}
        {!error && series && points === 0 ? <p className="muted chart-note">No data in this range yet.</p> : null}
        {width > 0 && points > 0 ? (
          <ComposedChart width={width} height={HEIGHT} data={data} margin={{ top: 4, right: LABEL_HALF_WIDTH, bottom: 0, left: 0 }}>
            <XAxis dataKey="t" type="number" scale="time" domain={[from, to]} allowDataOverflow ticks={axis.ticks} interval={0} tickFormatter={(t: number) => tickLabel(t, axis.stepMs)} tick={{ fontSize: 10 }} />
            <YAxis width={Y_AXIS_WIDTH} tickFormatter={compactNumber} tick={{ fontSize: 10 }} domain={[0, spec.max ?? 'auto']} />
            <Tooltip
              isAnimationActive={false}
              labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
              formatter={(value, name) => [Array.isArray(value) ? value.map((v) => compactNumber(Number(v))).join(' – ') : compactNumber(Number(value)), String(name)]}
            />
            {/* The min–max band only for a graph of one series: several bands overlap into a grey
                wash over the whole graph (the network's four did), and none can be read. */}
            {(spec.metrics.length === 1 ? spec.metrics : []).map((m, i) => (
              <Area key={`${m}:band`} dataKey={`${m}:band`} name={`${label(m)} min–max`} stroke="none" fill={COLORS[i % COLORS.length]} fillOpacity={0.15} isAnimationActive={false} />
            ))}
            {spec.metrics.map((m, i) => (
              <Line key={`${m}:avg`} dataKey={`${m}:avg`} name={label(m)} stroke={COLORS[i % COLORS.length]} dot={false} strokeWidth={1.5} isAnimationActive={false} />
            ))}
          </ComposedChart>
        ) : null}
      </div>
    </figure>
  );
}
