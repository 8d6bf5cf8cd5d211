import { z } from 'zod';

// How a status source's or a health gate's HTTP request reaches the host (the fleet file's `via`):
// direct (from the console), host (a channel from the host's own sshd), jump (a channel from its
// last jump host's sshd), auto (jump for a host with a jump host, direct otherwise).

export const VIA_CHOICES = ['direct', 'host', 'jump', 'auto'] as const;
export type Via = (typeof VIA_CHOICES)[number];
export const ViaSchema = z.enum(VIA_CHOICES);
