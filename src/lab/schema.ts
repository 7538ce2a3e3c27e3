// The lab file format: declarative intent. Only what a person decides is written down; the rest
// (point-to-point /31s, VTEPs, router IDs, MACs, node addresses) is derived by allocate.ts.
import { z } from 'zod';
import { isIPv4, isIPv4CIDR } from '../net/ip.ts';

const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a name of letters, digits, "_" and "-", starting with a letter');
// Linux limits interface names to 15 bytes (IFNAMSIZ - 1).
const interfaceName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'an interface name of letters, digits, "_", "." and "-"')
  .max(15, 'an interface name of at most 15 characters (Linux IFNAMSIZ)');
const ipv4 = z.string().refine(isIPv4, 'an IPv4 address like 192.168.1.1');
const cidr = z.string().refine(isIPv4CIDR, 'an IPv4 CIDR like 192.168.1.0/24');
const asn = z.number().int('an integer ASN').min(1, 'an ASN from 1 to 4294967295').max(4294967295, 'an ASN from 1 to 4294967295');
const endpoint = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*:[A-Za-z][A-Za-z0-9_.-]*$/, 'an endpoint "node:interface"')
  .regex(/:[^:]{1,15}$/, 'an endpoint whose interface name has at most 15 characters (Linux IFNAMSIZ)');

export const labFileSchema = z.strictObject({
  apiVersion: z.literal('pelab.dev/v1alpha1'),
  kind: z.literal('Lab'),
  metadata: z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'a lowercase lab name of at most 20 characters (it prefixes namespaces)'),
    description: z.string().optional(),
  }),
  spec: z.strictObject({
    pools: z
      .strictObject({
        fabricLinks: cidr.optional(),
        vteps: cidr.optional(),
      })
      .default({}),
    vrfs: z.array(z.strictObject({ name, vni: z.number().int().min(1).max(16777215, 'a VNI from 1 to 16777215') })).default([]),
    routers: z
      .array(
        z.strictObject({
          name,
          role: z.enum(['spine', 'leaf', 'tor']),
          asn,
          routerId: ipv4.optional(),
          vtep: ipv4.optional(),
          timers: z
            .strictObject({ keepalive: z.number().int().min(1), hold: z.number().int().min(3), connect: z.number().int().min(1) })
            .optional(),
          // A ToR's sessions with the cluster nodes, as the network team configures them.
          clusterPeering: z
            .strictObject({
              /** The AS it expects from the nodes; equal to the router's own AS means iBGP. Default: cluster.nodeASN. */
              asn: asn.optional(),
              password: z.string().regex(/^\S{1,80}$/, 'a password of 1 to 80 characters without whitespace (TCP MD5, one FRR word)').optional(),
              nextHopSelf: z.boolean().optional(),
              bfd: z
                .strictObject({
                  receiveInterval: z.number().int().min(10).max(60000).optional(),
                  transmitInterval: z.number().int().min(10).max(60000).optional(),
                  detectMultiplier: z.number().int().min(2).max(255).optional(),
                })
                .optional(),
              timers: z.strictObject({ keepalive: z.number().int().min(1), hold: z.number().int().min(3) }).optional(),
              gracefulRestart: z.boolean().optional(),
            })
            .optional(),
        }),
      )
      .min(1),
    links: z
      .array(
        z.strictObject({
          a: endpoint,
          b: endpoint,
          subnet: cidr.optional(),
        }),
      )
      .default([]),
    hosts: z
      .array(
        z.strictObject({
          name,
          leaf: name,
          leafInterface: interfaceName,
          vrf: name.optional(),
          subnet: cidr,
          address: ipv4.optional(),
          gateway: ipv4.optional(),
        }),
      )
      .default([]),
    switches: z
      .array(
        z.strictObject({
          name,
          tor: name,
          torInterface: interfaceName,
          subnet: cidr,
          torAddress: ipv4.optional(),
          nodeInterface: interfaceName,
        }),
      )
      .default([]),
    cluster: z
      .strictObject({
        name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a kind cluster name (lowercase letters, digits, "-")'),
        nodeASN: asn,
        firstNodeHost: z.number().int().min(1).default(3),
        nodes: z
          .array(
            z.strictObject({
              name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a Kubernetes node name (lowercase letters, digits, "-")'),
              role: z.enum(['control-plane', 'worker']),
              /** Labels beyond the ones kind sets (hostname, os, control-plane role); selectors match them. */
              labels: z.record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'a label key, e.g. node-role.kubernetes.io/network'), z.string()).optional(),
            }),
          )
          .min(1),
        /**
         * Hosts on the nodes' own L2 network (kind's docker network, `eth0` on every node), where
         * MetalLB's L2 mode answers ARP for a Service IP: a client there reaches the Service as a
         * machine on the same LAN would. Address: 172.18.0.0/16, default the next after the nodes'.
         */
        l2Clients: z.array(z.strictObject({ name, address: ipv4.optional() })).default([]),
      })
      .optional(),
  }),
});

export type LabFile = z.infer<typeof labFileSchema>;
