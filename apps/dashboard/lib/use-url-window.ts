'use client';
// A page's time window, kept in its URL: read once the page is in the
// browser, and written back (without a history entry) when it changes.
import { useEffect, useState } from 'react';
import { windowFromQuery, windowToQuery, type TimeWindow } from './time-range';

export function useUrlWindow(): [TimeWindow | null, (w: TimeWindow) => void] {
  const [range, setRange] = useState<TimeWindow | null>(null);
  useEffect(() => setRange(windowFromQuery(new URLSearchParams(window.location.search))), []);
  const change = (w: TimeWindow) => {
    history.replaceState(null, '', windowToQuery(w));
    setRange(w);
  };
  return [range, change];
}
