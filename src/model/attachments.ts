import type { AuditModel } from './types.js';

/** Who uses a group: the blast radius a finding carries in `evidence.attachments`. */
export interface Attachments {
  readonly interfaces: number;
  readonly interfaceIds: readonly string[];
  readonly instances: readonly string[];
  /** Interfaces that belong to AWS services (load balancers, Lambda, NAT, endpoints, …). */
  readonly managedInterfaces: number;
  readonly publicIps: readonly string[];
}

export function attachmentsOf(model: AuditModel, groupId: string): Attachments {
  const enis = model.interfacesByGroup.get(groupId) ?? [];
  const instances = new Set<string>();
  const publicIps = new Set<string>();
  let managedInterfaces = 0;
  for (const eni of enis) {
    if (eni.instanceId) instances.add(eni.instanceId);
    if (eni.requesterManaged || (!eni.instanceId && eni.interfaceType !== 'interface')) managedInterfaces++;
    for (const ip of eni.publicIps) publicIps.add(ip);
  }
  return {
    interfaces: enis.length,
    interfaceIds: enis.map((e) => e.id).sort(),
    instances: [...instances].sort(),
    managedInterfaces,
    publicIps: [...publicIps].sort(),
  };
}
