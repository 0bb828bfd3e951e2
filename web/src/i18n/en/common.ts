/** Words used on every page: the frame, menus, states and shared controls. */
import type { ProblemCode } from '../../api/problem';

export const common = {
  locale: 'en-GB',
  siteName: 'School Support Hub',
  /** The browser tab's title: the page's, then the service's. */
  documentTitle: (page: string, site: string) => `${page} – ${site}`,
  skipToMain: 'Skip to main content',
  loadingPage: 'Loading the page',
  loadingAccount: 'Loading your account',
  /** A loading state's default words; the state adds an ellipsis. */
  loading: 'Loading',
  tryAgain: 'Try again',
  ok: 'Ok',
  yes: 'Yes',
  cancel: 'Cancel',
  close: 'Close',
  saveChanges: 'Save changes',
  saving: 'Saving…',
  previous: 'Previous',
  next: 'Next',
  goToStart: 'Go to the start page',
  /** The title of a form's error summary. */
  thereIsAProblem: 'There is a problem',
  /** The top bar: Administration → My Centre, and the user icon menu. */
  frame: {
    mainNav: 'Main',
    administration: 'Administration',
    myCentre: 'My Centre',
    /** Begins with the initials shown, so voice control can say them (WCAG 2.5.3). */
    userMenu: (initials: string, name: string) => `${initials}. User menu for ${name}`,
    /** Who the user menu is for while the user's name is not known yet. */
    you: 'you',
    viewProfile: 'View profile',
    signOut: 'Sign out',
  },
  /** My Centre's frame: the centre's name and its tabs. */
  centreFrame: {
    loading: 'Loading the centre',
    notFoundTitle: 'Centre not found',
    notFound: 'There is no centre with this number that you can open. Check the centre number.',
    title: 'My Centre',
    centre: 'Centre: ',
    tabs: 'My Centre',
    users: 'Users',
    auditLog: 'Audit log',
  },
  /** Paging through a long list. */
  pager: {
    page: (number: string) => `Page ${number}`,
    previousPage: 'Previous page',
    nextPage: 'Next page',
  },
  notFound: {
    title: 'Page not found',
    body: 'There is no page at this address. It may have moved, or the link may be mistyped.',
  },
  /** When the console cannot read its settings at start. */
  cannotStart: {
    title: 'The School Support Hub cannot start',
    body: 'Its settings could not be loaded. Reload the page, or try again in a few minutes.',
  },
  /** The support sites' short names, as the guide says "the Primary or Lower Secondary site". */
  sites: {
    primary: 'Primary',
    'lower-secondary': 'Lower Secondary',
    'upper-secondary': 'Upper Secondary',
    advanced: 'Advanced',
  },
  /** A support site's full name: "Cambridge Primary". */
  cambridgeSite: (site: string) => `Cambridge ${site}`,
  /**
   * Plain words for every problem code the API answers with, and the console's own NETWORK
   * and UNKNOWN. `satisfies` keeps the list exhaustive and free of codes that do not exist.
   */
  problems: {
    NETWORK: 'The School Support Hub cannot be reached. Check your connection and try again.',
    UNKNOWN: 'Something went wrong. Try again in a moment.',
    INTERNAL: 'Something went wrong on our side. Try again in a moment.',
    SERVICE_UNAVAILABLE: 'The service is busy. Nothing was changed; try again in a moment.',
    NOT_ATTEMPTED:
      'This user was not added yet: there was no time left. Nothing was changed; send it again.',
    UNAUTHENTICATED: 'Your session has ended. Sign in again.',
    INVALID_CREDENTIALS: 'The email address or password is not right.',
    FORBIDDEN: 'You do not have permission to do that.',
    NOT_FOUND: 'This could not be found. It may have been deleted.',
    EMAIL_TAKEN: 'This email address is already used by another account.',
    WEAK_PASSWORD: 'The new password does not meet the password rules.',
    INVALID_CODE: 'The code is not right or has expired. Ask for a new one.',
    RATE_LIMITED: 'Too many attempts. Wait a few minutes and try again.',
    LAST_ADMIN: 'A centre must keep at least one active coordinator.',
    CANNOT_MODIFY_SELF: 'You cannot do this to your own account.',
    USER_NOT_SUSPENDED: 'Suspend the user before deleting them.',
    PROGRESSION_DATA_ATTACHED:
      'This user has Progression Test data. Transfer it to another teacher before deleting the user.',
    LEARNER_HAS_RESULTS:
      'This learner has Progression Test results, so they cannot be removed. Their results are kept.',
    NOT_INVITED: 'This user has already signed in, so there is no invitation to resend.',
    SITE_NOT_ELIGIBLE: 'The centre is not eligible for this support site.',
    NAME_CHANGE_FORBIDDEN: 'Only the user can change their name.',
    CONFLICT: 'Someone else changed this at the same moment. Reload and try again.',
    OPERATION_RUNNING:
      'A removal or transfer involving this user or the receiving teacher is still running. Try again when it has finished.',
    IDEMPOTENCY_CONFLICT: 'This was already sent with different details. Reload and try again.',
    INVALID_TRANSFER_TARGET:
      'That teacher cannot receive this data: they must be active and have access to the same sites.',
    PAYLOAD_TOO_LARGE: 'That is too large to send.',
    UNSUPPORTED_MEDIA_TYPE: 'That kind of file is not accepted.',
    INVALID_IMAGE: 'That file is not a PNG, JPEG or WebP picture.',
    VALIDATION_FAILED: 'Some details are not right. Check the highlighted fields.',
    CENTRE_EXISTS: 'A centre with this number already exists.',
    ACCESS_CHANGE_FORBIDDEN: 'Changes to your access rights go through your School Coordinator.',
    WRONG_CURRENT_PASSWORD: 'The current password is not right.',
    MFA_REQUIRED: 'Customer Services accounts must keep two-step sign-in on.',
  } satisfies Record<ProblemCode, string>,
};
