// Which of a person's projects the dashboard acts on: chosen in the
// ProjectSwitcher, kept in localStorage across reloads and tabs, and sent as
// `x-memsight-project` on every API call (ingest's session-auth honours it;
// without it, ingest takes the person's first project).
export const PROJECT_HEADER = 'x-memsight-project';
export const STORAGE_KEY = 'memsight.project';

// undefined = not read from localStorage yet (it exists only in the browser).
let chosen: string | null | undefined;

export function currentProjectChoice(): string | null {
  if (chosen === undefined) {
    try {
      chosen = typeof window === 'undefined' ? null : window.localStorage.getItem(STORAGE_KEY);
    } catch {
      chosen = null; // storage disabled (private mode, policy): the first project it is
    }
  }
  return chosen;
}

/** Choose the project for every later API call; null goes back to the person's first project. */
export function setProjectHeader(id: string | null): void {
  chosen = id;
  try {
    if (id) window.localStorage.setItem(STORAGE_KEY, id);
    else window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Not stored: the choice still holds until the page is reloaded.
  }
}

/** The header to merge into an API request: none when no project was chosen. */
export function projectHeaders(): Record<string, string> {
  const id = currentProjectChoice();
  return id ? { [PROJECT_HEADER]: id } : {};
}
