'use client';
// Settings → Notifications: the email addresses alerts go to, and the mailbox
// where emails are kept when no SMTP server is configured (ALERTER_SMTP_URL).
import { useEffect, useState } from 'react';
import type { MailboxMessage, NotificationChannel } from '@memsight/contracts';
import { api, ApiError } from '../lib/api';
import { formatAgo } from '../lib/format';
import { problemsByField } from '../lib/rule-form';

export function NotificationsView({ apiKey }: { apiKey: string }) {
  const [channels, setChannels] = useState<NotificationChannel[] | null>(null);
  const [messages, setMessages] = useState<MailboxMessage[] | null>(null);
  const [target, setTarget] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [open, setOpen] = useState<string | null>(null);
  const load = () => {
    void api.channels(apiKey).then((r) => setChannels(r.channels), (err: Error) => setErrors({ form: err.message }));
    void api.mailbox(apiKey).then((r) => setMessages(r.messages), (err: Error) => setErrors({ form: err.message }));
  };
  useEffect(load, [apiKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors({});
    try {
      await api.createChannel(apiKey, { kind: 'email', target: target.trim() });
      setTarget('');
      load();
    } catch (err) {
      setErrors(problemsByField(err instanceof ApiError ? err.problems : [], (err as Error).message));
    }
  };
  const remove = async (c: NotificationChannel) => {
    if (!window.confirm(`Stop emailing ${c.target}?`)) return;
    await api.deleteChannel(apiKey, c.id).then(load, (err: Error) => setErrors({ form: err.message }));
  };
  const targetError = errors.target ?? errors.form;

  return (
    <>
      <h1>Notifications</h1>
      <section className="card" aria-labelledby="channels-title">
        <h2 id="channels-title">Email recipients</h2>
        {channels === null ? (
          <p className="muted">Loading…</p>
        ) : channels.length === 0 ? (
          <p className="muted">No one is emailed yet: alerts still show here and live.</p>
        ) : (
          <ul className="firing">
            {channels.map((c) => (
              <li key={c.id} data-channel={c.target}>
                {c.target} <span className="muted">({c.name})</span>{' '}
                <button type="button" className="secondary" onClick={() => void remove(c)}>Remove</button>
              </li>
            ))}
          </ul>
        )}
        <form onSubmit={add} noValidate aria-label="Add an email recipient">
          <div className="field">
            <label htmlFor="channel-target">Email address</label>
            <input id="channel-target" type="email" value={target} onChange={(e) => setTarget(e.target.value)} aria-invalid={!!targetError} aria-describedby={targetError ? 'channel-target-error' : undefined} />
            {targetError && <small id="channel-target-error" className="error" data-field-error="target">{targetError}</small>}
          </div>
          <p><button type="submit">Add recipient</button></p>
        </form>
      </section>
      <section className="card" aria-labelledby="mailbox-title">
        <h2 id="mailbox-title">Mailbox</h2>
        <p className="muted">Emails are kept here when no SMTP server is configured (ALERTER_SMTP_URL); with one, this is what was sent.</p>
        {messages === null ? (
          <p className="muted">Loading…</p>
        ) : messages.length === 0 ? (
          <p className="muted">No emails yet: one is sent when an alert fires or resolves.</p>
        ) : (
          <ul className="firing">
            {messages.map((m) => (
              <li key={m.id} data-message={m.messageId}>
                <button type="button" className="link" aria-expanded={open === m.id} onClick={() => setOpen(open === m.id ? null : m.id)}>{m.subject}</button>{' '}
                <span className="muted">to {m.to} · {formatAgo(m.createdAt)}</span>
                {open === m.id && <pre className="traceback" tabIndex={0}>{m.text}</pre>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
