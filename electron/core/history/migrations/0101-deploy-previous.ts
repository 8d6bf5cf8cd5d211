import type { Migration } from '../migrations';

// Each host's release before a deploy, written as soon as preflight has read it: what an
// interrupted deploy needs to be undone host by host after the console died.
export const m0101DeployPrevious: Migration = {
  id: 101,
  name: 'deploy previous releases',
  up(db) {
    db.exec(`ALTER TABLE deploys ADD COLUMN previous TEXT NOT NULL DEFAULT '{}'`);
  },
};
