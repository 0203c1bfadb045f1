// gRPC probes, as the kubelet runs them: grpc.health.v1.Health/Check on the pod's IP and port, SERVING succeeds.
// The transport is @grpc/grpc-js (loaded when a pod first has such a probe); the two messages of the health
// protocol have one field each, so they are written and read here rather than through a .proto file.
import type { ProbeResult } from '../types';

/** HealthCheckResponse.ServingStatus values, as grpc_health_v1 names them. */
const STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** HealthCheckRequest { string service = 1; } */
function encodeRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  if (!name.length) return Buffer.alloc(0);
  const len: number[] = [];
  for (let n = name.length; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, ...len]), name]);
}

/** HealthCheckResponse { ServingStatus status = 1; }: the status, 0 when absent. */
function decodeStatus(data: Buffer): number {
  for (let i = 0; i < data.length;) {
    const tag = data[i++];
    if (tag === 0x08) return data[i] ?? 0;
    // another field: skip a varint or a length-delimited value
    if ((tag & 7) === 0) while (i < data.length && data[i++] & 0x80);
    else if ((tag & 7) === 2) i += 1 + (data[i] ?? 0);
    else break;
  }
  return 0;
}

export async function grpcHealthProbe(ip: string, port: number, service: string | undefined): Promise<ProbeResult> {
  const grpc = await import('@grpc/grpc-js');
  const client = new grpc.Client(`${ip}:${port}`, grpc.credentials.createInsecure());
  try {
    const status = await new Promise<number>((resolve, reject) =>
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        (s: string) => encodeRequest(s),
        decodeStatus,
        service ?? '',
        (err, value) => (err ? reject(err) : resolve(value ?? 0)),
      ),
    );
    return status === 1
      ? { success: true, output: '' }
      : { success: false, output: `service unhealthy (responded with "${STATUS[status] ?? status}")` };
  } catch (e) {
    const err = e as { details?: string; message?: string };
    const why = (err.details ?? err.message ?? '').replace(/\s*Resolution note:.*$/s, '');
    return { success: false, output: `failed to connect service "${ip}:${port}": ${why}` };
  } finally {
    client.close();
  }
}
