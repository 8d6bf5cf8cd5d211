import type { Migration } from '../migrations';

// Staged deploys: the stage a deploy went to, the stage a promotion came from, and the revision
// every host prepared the release from (what a promotion ships again, without resolving a moving
// git ref anew). Older records have none of them: they are not promotable.
export const m0102DeployStages: Migration = {
  id: 102,
  name: 'deploy stages',
  up(db) {
    db.exec(`
      ALTER TABLE deploys ADD COLUMN stage TEXT;
      ALTER TABLE deploys ADD COLUMN promoted_from TEXT;
      ALTER TABLE deploys ADD COLUMN revision TEXT;
    `);
  },
};
