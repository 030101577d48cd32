// A page's first API calls, started by an inline script in the document
// itself, before the page's JavaScript has loaded and hydrated. On a loaded
// machine that JavaScript takes most of a second, and the calls used to wait
// for it; now they run beside it. The page's first load takes those answers
// (same path, same project) instead of asking again, and anchors its time
// window at the `now` the paths were built with, so the paths match.
//
// A chain is fetched in order, each call after the previous one's answer: the
// alert feed must read its cursor before its list, or an alert that changes
// between the two is missed. Different chains run at once.
import { PROJECT_HEADER, STORAGE_KEY } from './project';

const GLOBAL = '__memsightEarly';
/** Answers older than this are not taken: the page asks afresh. */
const FRESH_MS = 20_000;

interface EarlyCalls {
  now: number;
  project: string | null;
  calls: Record<string, Promise<Response>>;
}

/** The script's source: runs as soon as the browser parses it, never throws. */
export function earlyScript(chains: string[][], now: number): string {
  // JSON.stringify of strings cannot close the script element: '<' is escaped below.
  const data = JSON.stringify({ chains, now, key: STORAGE_KEY, header: PROJECT_HEADER }).replaceAll('<', '\\u003c');
  return `(function(d){try{var p=null;try{p=localStorage.getItem(d.key)}catch(e){}
var h={};if(p)h[d.header]=p;var c={};
d.chains.forEach(function(ch){var prev=Promise.resolve();ch.forEach(function(u){var r=prev.then(function(){return fetch(u,{headers:h,cache:'no-store'})});c[u]=r;prev=r.catch(function(){})})});
window.${GLOBAL}={now:d.now,project:p,calls:c}}catch(e){}})(${data});`;
}

function state(): EarlyCalls | undefined {
  if (typeof window === 'undefined') return undefined;
  const s = (window as unknown as Record<string, EarlyCalls | undefined>)[GLOBAL];
  if (!s || Date.now() - s.now > FRESH_MS) return undefined;
  return s;
}

/** The early answer for this GET, once; undefined when there is none (or it was for another project). */
export function takeEarly(path: string, project: string | null): Promise<Response> | undefined {
  const s = state();
  if (!s || s.project !== project) return undefined;
  const call = s.calls[path];
  if (call) delete s.calls[path];
  return call;
}

/** The `now` the early paths were built with, while any of them is still to be taken. */
export function earlyNow(): number | undefined {
  const s = state();
  return s && Object.keys(s.calls).length > 0 ? s.now : undefined;
}
