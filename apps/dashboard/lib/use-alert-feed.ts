'use client';
// The alerts page's data: a REST page of alerts under the filters, kept current
// by `alert:transition` events over socket.io (no polling). The newest cursor
// is read before the list, so nothing that happens while the list loads is
// missed; on a reconnect, what was missed is fetched by cursor over REST.
import { useCallback, useEffect, useRef, useState } from 'react';
import { EVENTS, type AlertSummary, type AlertTransitionEvent } from '@memsight/contracts';
import { api } from './api';
import { openGatewaySocket } from './socket';
import { applyEvents, filtersToQuery, replaceAlert, type AlertFilters } from './alert-feed';

export interface AlertFeed {
  alerts: AlertSummary[] | null;
  error: string | null;
  live: string;
  /** Put the API's answer to an action (acknowledge, silence) into the list. */
  replace: (alert: AlertSummary) => void;
  reload: () => void;
}

const newer = (a: string, b: string | null) => b === null || BigInt(a) > BigInt(b);

export function useAlertFeed(apiKey: string, filters: AlertFilters): AlertFeed {
  const [alerts, setAlerts] = useState<AlertSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState('connecting');
  const [generation, setGeneration] = useState(0);
  const cursor = useRef<string | null>(null);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  const apply = useCallback((events: AlertTransitionEvent[]) => {
    const fresh = events.filter((e) => newer(e.cursor, cursor.current));
    if (fresh.length === 0) return;
    cursor.current = fresh[fresh.length - 1]!.cursor;
    setAlerts((list) => (list === null ? list : applyEvents(list, fresh, filtersRef.current)));
  }, []);

  const key = filtersToQuery(filters).toString();
  useEffect(() => {
    let cancelled = false;
    setAlerts(null);
    setError(null);
    void (async () => {
      try {
        const head = await api.transitions(apiKey, null);
        const page = await api.alerts(apiKey, new URLSearchParams(key));
        if (cancelled) return;
        cursor.current = head.cursor;
        setAlerts(page.alerts);
      } catch (err) {
        if (!cancelled) setError((err as Error).message);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [apiKey, key, generation]);

  useEffect(() => {
    const socket = openGatewaySocket(apiKey);
    let connectedBefore = false;
    socket.on('connect', () => {
      setLive('live');
      if (!connectedBefore) return void (connectedBefore = true);
      // Back after a drop: fetch what happened meanwhile, page by page.
      void (async () => {
        try {
          for (let page = 0; page < 20; page++) {
            const missed = await api.transitions(apiKey, cursor.current);
            apply(missed.events);
            if (missed.events.length < 500) break;
          }
        } catch (err) {
          setError((err as Error).message);
        }
      })();
    });
    socket.on('disconnect', () => setLive('reconnecting'));
    socket.on('connect_error', (err) => setLive(`offline: ${err.message}`));
    socket.on(EVENTS.alertTransition, (event) => apply([event]));
    return () => {
      socket.close();
    };
  }, [apiKey, apply]);

  const replace = useCallback((alert: AlertSummary) => setAlerts((list) => (list === null ? list : replaceAlert(list, alert, filtersRef.current))), []);
  return { alerts, error, live, replace, reload: () => setGeneration((g) => g + 1) };
}
