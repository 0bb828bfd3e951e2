import * as z from 'zod';

// zod probes for `new Function` (its fast path) as each object schema is made; the console's
// CSP forbids it and reports a violation even though zod catches the failure.
z.config({ jitless: true });
