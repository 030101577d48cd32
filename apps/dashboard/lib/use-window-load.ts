'use client';
// A page's data for its time window: loaded again whenever the window or the
// page's keys change (an answer that arrives for an older window is dropped),
// and, where the page asks for it, every few seconds while the window stays.
import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { earlyNow } from './early-fetch';
import { resolveWindow, type TimeWindow } from './time-range';

export function useWindowLoad<T>(
  range: TimeWindow | null,
  keys: readonly unknown[],
  load: (fromMs: number, toMs: number, range: TimeWindow) => Promise<T>,
  refreshMs: (range: TimeWindow) => number | undefined = () => undefined,
): { data: T | null; error: string | null; setData: Dispatch<SetStateAction<T | null>> } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const firstRun = useRef(true);
  useEffect(() => {
    if (!range) return;
    let cancelled = false;
    // The first load's window ends where the document's early calls put it, so it takes their answers.
    const { fromMs, toMs } = resolveWindow(range, (firstRun.current && earlyNow()) || Date.now());
    firstRun.current = false;
    load(fromMs, toMs, range).then(
      (loaded) => {
        if (cancelled) return;
        setData(loaded);
        setError(null);
      },
      (err) => {
        if (!cancelled) setError((err as Error).message);
      },
    );
    const every = refreshMs(range);
    const timer = every ? setTimeout(() => setTick((t) => t + 1), every) : undefined;
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // `load` and `refreshMs` are new closures every render; `keys` name what they read.
  }, [range, tick, ...keys]); // eslint-disable-line react-hooks/exhaustive-deps
  return { data, error, setData };
}
