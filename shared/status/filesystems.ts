// Which filesystems a host shows: the same rule for node_exporter read directly and for Prometheus.

/** Whether a filesystem is one a host card shows: a real one, not under /run, /sys, /proc, /dev. */
export function isShownFilesystem(fstype: string | undefined, mount: string): boolean {
  if (PSEUDO_FS.has(fstype ?? '')) return false;
  return !(mount.startsWith('/run') || mount.startsWith('/sys') || mount.startsWith('/proc') || mount.startsWith('/dev'));
}

export const PSEUDO_FS = new Set(['tmpfs', 'devtmpfs', 'overlay', 'squashfs', 'proc', 'sysfs', 'nsfs', 'ramfs', 'autofs', 'cgroup', 'cgroup2', 'fuse.lxcfs']);
