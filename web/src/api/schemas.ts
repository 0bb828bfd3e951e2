/**
 * The API's own zod schemas, for forms that check input with the API's rules before
 * sending it. Import them from here, not from functions/ directly: zod must be configured
 * for the console's CSP before any schema is made, and ES modules run in import order.
 */
import './zod-config';

export { maxPictureBytes } from '../../../functions/core/domain';
export { pictureTypes } from '../../../functions/core/route-spec';
export { CentreIdSchema, EmailSchema } from '../../../functions/core/schemas/common';
export {
  ChangePasswordBodySchema,
  ConfirmEmailChangeBodySchema,
  RequestEmailChangeBodySchema,
  UpdateMeBodySchema,
} from '../../../functions/core/schemas/me';
export {
  LearnerBodySchema,
  ResultBodySchema,
} from '../../../functions/core/schemas/progression';
export {
  CreateCentreBodySchema,
  UpdateCentreBodySchema,
} from '../../../functions/core/schemas/support';
export { NewUserRowSchema } from '../../../functions/core/schemas/users';
