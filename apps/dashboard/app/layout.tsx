import type { ReactNode } from 'react';
import 'uplot/dist/uPlot.min.css';
import './globals.css';
import { InitialSessionProvider } from '../components/InitialSessionProvider';
import { serverSessionUser } from '../lib/server-session';

export const metadata = { title: 'memsight', description: 'Memory monitoring for Python and Node.js services' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await serverSessionUser();
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a href="/" className="brand">memsight</a>
          <nav aria-label="Main">
            <a href="/">Apps</a> <a href="/alerts">Alerts</a> <a href="/settings/rules">Rules</a> <a href="/settings/keys">Keys</a> <a href="/settings/members">Members</a> <a href="/settings/notifications">Notifications</a>
          </nav>
          <span className="tagline">which instance leaks, since when, how fast</span>
        </header>
        <main><InitialSessionProvider user={user}>{children}</InitialSessionProvider></main>
      </body>
    </html>
  );
}
