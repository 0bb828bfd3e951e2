/**
 * The shape of a route-table entry and the vocabulary it uses (areas, access rules).
 * The entries themselves live in route-table/, one file per area.
 */
import type * as z from 'zod';
import type { ProblemCode } from './errors.js';

export const pictureTypes = ['image/png', 'image/jpeg', 'image/webp'];

export const areas = ['system', 'auth', 'me', 'pictures', 'centres', 'sites', 'support'] as const;
export type Area = (typeof areas)[number];

/**
 * Who may call a route. `signedIn`: any active user. `coordinator`: a coordinator of the
 * centre named in the path, or support staff. `siteMember`: a user of the centre with
 * access to the site named in the path, a coordinator of the centre, or support staff.
 * `support`: support staff only.
 */
export type Access = 'public' | 'signedIn' | 'coordinator' | 'siteMember' | 'support';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
  A extends Access = Access,
> {
  method: HttpMethod;
  path: string;
  area: Area;
  access: A;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  success: {
    status: 200 | 201 | 202 | 204;
    description: string;
    schema?: R;
    /** A binary answer in one of these types (a picture) instead of JSON. */
    binaryTypes?: string[];
  };
  /**
   * A second success: 202 when the request started an operation that goes on after the
   * answer (a site taken away from a centre); the Location header names the operation.
   */
  accepted?: { status: 202; description: string; schema: z.ZodType };
  /** The problem codes this route may answer with, besides the pipeline's own. */
  errors?: ProblemCode[];
  /**
   * Fields the route refuses with their own problem rather than as unknown fields (a name
   * sent to the coordinator's edit: only the user may change it).
   */
  forbiddenFields?: Partial<Record<string, ProblemCode>>;
  /** Routes that take raw bytes (a picture) rather than JSON. */
  rawBody?: { contentTypes: string[]; maxBytes: number; refusedAs: ProblemCode };
  /** What the OpenAPI document shows as the body, when it says more than `body` checks. */
  documentedBody?: z.ZodType;
  /** POST routes that create things honour an Idempotency-Key header. */
  idempotent?: boolean;
}

export const route = <const S extends RouteSpec>(spec: S): S => spec;
