'use client';
// For a person in more than one project: picks the project every API call acts
// on. The choice is stored (lib/project.ts) and the page's views are remounted
// by SessionGate (onSwitch), so they fetch again for the new project.
import { useEffect, useState } from 'react';
import type { Me } from '@memsight/contracts';
import { api } from '../lib/api';
import { currentProjectChoice, setProjectHeader } from '../lib/project';

export function ProjectSwitcher({ onSwitch }: { onSwitch: () => void }) {
  const [me, setMe] = useState<Me | null>(null);

  useEffect(() => {
    let live = true;
    const load = async () => {
      let answer = await api.me('');
      // A stored choice the person no longer belongs to (removed, or another person signed in): forget it.
      if (answer.currentProjectId === null && currentProjectChoice() !== null) {
        setProjectHeader(null);
        answer = await api.me('');
        if (live) onSwitch();
      }
      if (live) setMe(answer);
    };
    // Without the switcher the dashboard still works on the first project: a failure here only hides it.
    load().catch(() => {});
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!me || me.projects.length < 2) return null;
  const choose = (id: string) => {
    setProjectHeader(id);
    setMe({ ...me, currentProjectId: id });
    onSwitch();
  };
  return (
    <span className="project-switcher" data-project-switcher>
      <label htmlFor="project-switcher">Project</label>{' '}
      <select id="project-switcher" value={me.currentProjectId ?? ''} onChange={(e) => choose(e.target.value)}>
        {me.projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.role})
          </option>
        ))}
      </select>
      {' · '}
    </span>
  );
}
