/**
 * Whether the preflight should let the AWS SDK ask the EC2 instance metadata service (IMDS) for
 * credentials. Pure: `bin/preflight.ts` gathers the facts and applies the decision.
 *
 * Why: the SDK's default credential chain ends with IMDS. Off EC2, nothing answers at
 * 169.254.169.254, and the SDK waits for its timeout (1 s by default) on the IMDSv2 token request
 * and again on the IMDSv1 fallback, so a run without credentials would take seconds to say so.
 * On Linux the host can be recognised as EC2 without the network, from the DMI data the kernel
 * exposes (EC2 user guide, "Detect whether a host is an EC2 instance": Nitro instances report
 * `sys_vendor` "Amazon EC2"; Xen instances have a hypervisor UUID starting with "ec2"). Elsewhere
 * (macOS, Windows) there is no such file, and IMDS is asked with a short timeout instead.
 */

/** What the host tells about itself, read without the network. */
export interface HostFacts {
  readonly platform: string;
  /**
   * AWS_EC2_METADATA_DISABLED, the SDK's own switch: `disabled` when set to anything but "false",
   * `enabled` when set to "false" (the user insists on IMDS), `unset` otherwise.
   */
  readonly imdsEnvironment: 'disabled' | 'enabled' | 'unset';
  /** The contents of a file, or `undefined` when it cannot be read. */
  readonly readFile: (path: string) => string | undefined;
}

/** Nitro instances: the DMI system vendor. */
export const DMI_SYS_VENDOR = '/sys/devices/virtual/dmi/id/sys_vendor';
/** Xen instances: the hypervisor UUID, starting with "ec2". */
export const XEN_HYPERVISOR_UUID = '/sys/hypervisor/uuid';

/** IMDS timeout where the host cannot be recognised: long enough for a real IMDS (it answers in milliseconds), short enough not to be noticed. */
export const SHORT_IMDS_TIMEOUT_MS = 250;

/** Whether and how to consult IMDS, and why. */
export type ImdsPolicy =
  | { readonly consult: false; readonly reason: string }
  | { readonly consult: true; readonly timeoutMs?: number; readonly reason: string };

/** Whether the host is an EC2 instance, by its DMI data; `undefined` when the platform has no such data. */
export function isEc2Host(facts: HostFacts): boolean | undefined {
  if (facts.platform !== 'linux') {
    return undefined;
  }
  const vendor = facts.readFile(DMI_SYS_VENDOR)?.trim();
  const uuid = facts.readFile(XEN_HYPERVISOR_UUID)?.trim().toLowerCase();
  return vendor === 'Amazon EC2' || (uuid?.startsWith('ec2') ?? false);
}

/** The IMDS policy for this host. */
export function imdsPolicy(facts: HostFacts): ImdsPolicy {
  if (facts.imdsEnvironment === 'disabled') {
    return { consult: false, reason: 'AWS_EC2_METADATA_DISABLED is set' };
  }
  if (facts.imdsEnvironment === 'enabled') {
    return { consult: true, reason: 'AWS_EC2_METADATA_DISABLED is "false"' };
  }
  const ec2 = isEc2Host(facts);
  if (ec2 === true) {
    return {
      consult: true,
      reason: 'this host is an EC2 instance (DMI data): its instance role may provide credentials',
    };
  }
  if (ec2 === false) {
    // A container on EC2 whose sandbox hides the DMI files lands here too; AWS_EC2_METADATA_DISABLED=false
    // asks IMDS anyway.
    return {
      consult: false,
      reason:
        'this host does not look like an EC2 instance (DMI data), so there is no instance role to ask; set AWS_EC2_METADATA_DISABLED=false to ask anyway',
    };
  }
  return {
    consult: true,
    timeoutMs: SHORT_IMDS_TIMEOUT_MS,
    reason: `${facts.platform} has no DMI data to tell an EC2 instance by, so IMDS is asked with a ${SHORT_IMDS_TIMEOUT_MS} ms timeout`,
  };
}
