/** The route table's entries for profile pictures. */
import { maxPictureBytes } from '../domain.js';
import { pictureTypes, route } from '../route-spec.js';
import { CentreUserParamsSchema, UserSchema } from '../schemas/common.js';

export const picturesEntries = {
  putPicture: route({
    method: 'PUT',
    path: '/me/picture',
    area: 'pictures',
    access: 'signedIn',
    summary: 'Set your profile picture (PNG, JPEG or WebP, at most 1 MiB)',
    rawBody: { contentTypes: pictureTypes, maxBytes: maxPictureBytes, refusedAs: 'INVALID_IMAGE' },
    success: { status: 200, description: 'You', schema: UserSchema },
    errors: ['INVALID_IMAGE', 'PAYLOAD_TOO_LARGE'],
  }),
  getPicture: route({
    method: 'GET',
    path: '/me/picture',
    area: 'pictures',
    access: 'signedIn',
    summary: 'Your profile picture',
    success: { status: 200, description: 'The picture', binaryTypes: pictureTypes },
    errors: ['NOT_FOUND'],
  }),
  deletePicture: route({
    method: 'DELETE',
    path: '/me/picture',
    area: 'pictures',
    access: 'signedIn',
    summary: 'Remove your profile picture',
    success: { status: 204, description: 'Removed' },
  }),
  getUserPicture: route({
    method: 'GET',
    path: '/centres/{centreId}/users/{userId}/picture',
    area: 'pictures',
    access: 'coordinator',
    summary: "A user's profile picture",
    params: CentreUserParamsSchema,
    success: { status: 200, description: 'The picture', binaryTypes: pictureTypes },
  }),
} as const;
