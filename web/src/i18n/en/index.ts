/** The English catalogue: one module per area of the console, composed here. */
import { auth } from './auth';
import { common } from './common';
import { csv } from './csv';
import { myCentre } from './myCentre';
import { profile } from './profile';
import { sites } from './sites';
import { support } from './support';
import { userPage } from './userPage';

export const en = { common, auth, myCentre, profile, sites, support, csv, userPage };
